using Cnm.Daemon.NativeApi;

namespace Cnm.Daemon.ApiDocs;

/// <summary>The pieces of route metadata that every route file uses for the OpenAPI document.</summary>
internal static class RouteDescriptions
{
    public const string DockerTag = "docker";
    public const string NativeTag = "native";

    /// <summary>Statuses any route that calls a plugin may answer: plugin failure, missing method, unreachable, timed out.</summary>
    public static readonly int[] PluginErrors = [StatusCodes.Status500InternalServerError, StatusCodes.Status501NotImplemented,
        StatusCodes.Status503ServiceUnavailable, StatusCodes.Status504GatewayTimeout];

    /// <summary>
    /// A JSON body read by hand (Http/RequestBody.cs), for the document. <c>*/*</c> is accepted too because
    /// routing honours accepted content types: with <c>application/json</c> alone, a body sent without that
    /// Content-Type (Cnm never checked it) would miss the route and get the fallback's 404. The document lists
    /// only <c>application/json</c> (OpenApiSetup drops the wildcard).
    /// </summary>
    public static RouteHandlerBuilder AcceptsJson<T>(this RouteHandlerBuilder builder)
        where T : notnull =>
        builder.Accepts<T>(DockerJson.ContentType, AnyContentType);

    /// <summary>The wildcard media type that <see cref="AcceptsJson"/> adds for routing only.</summary>
    public const string AnyContentType = "*/*";

    /// <summary>Docker's error answer, <c>{"message": …}</c>, for each status (500 is always added).</summary>
    public static RouteHandlerBuilder ProducesErrors(this RouteHandlerBuilder builder, params int[] statuses)
    {
        foreach (var status in statuses.Append(StatusCodes.Status500InternalServerError).Distinct().Order())
        {
            builder.Produces<ErrorBody>(status, DockerJson.ContentType);
        }

        return builder;
    }

    /// <summary>A query parameter read by hand from <c>HttpRequest.Query</c>.</summary>
    public static RouteHandlerBuilder WithQueryParameter(this RouteHandlerBuilder builder, string name, string description) =>
        builder.WithMetadata(new QueryParameterMetadata(name, description));
}
