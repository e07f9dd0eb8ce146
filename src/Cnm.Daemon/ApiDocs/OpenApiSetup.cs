using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;

namespace Cnm.Daemon.ApiDocs;

/// <summary>
/// The OpenAPI document of cnmd's API, served at <c>GET /cnm/v1/openapi.json</c> and kept in
/// <c>spec/daemon-api.json</c> (tests/Cnm.Daemon.Tests/OpenApiTests.cs fails when the two differ).
/// The JIT build generates it from the routes' own metadata (WithName, WithSummary, Produces…; OpenApiSetup.Generated.cs),
/// so it cannot drift from them; the Native AOT publish serves that committed file as it is (OpenApiSetup.Static.cs):
/// the generator costs the native cnmd about 4 MB of idle RSS (spec/performance.md, "Idle RSS: what is in the binary").
/// </summary>
internal static partial class OpenApiSetup
{
    public const string DocumentPath = "/cnm/v1/openapi.json";

    public static IServiceCollection AddCnmOpenApi(this IServiceCollection services)
    {
        // The schemas are generated from the same source-generated metadata that writes the wire (DockerJsonContext),
        // with its rules: Docker's names as they are, nulls left out. Nothing else is in the chain, so a type the
        // context lacks fails loudly instead of falling back to reflection.
        services.ConfigureHttpJsonOptions(o => UseDockerJson(o));
        AddDocument(services);
        return services;
    }

    /// <summary>Registers what builds the document (nothing when it is served from the committed file).</summary>
    private static partial void AddDocument(IServiceCollection services);

    /// <summary>Maps <see cref="DocumentPath"/>.</summary>
    private static partial void MapDocument(WebApplication app);

    /// <summary>Serves the document and logs (at Debug) every route with whether the document describes it.</summary>
    public static WebApplication MapCnmOpenApi(this WebApplication app)
    {
        MapDocument(app);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Cnm.Daemon.Api");
        app.Lifetime.ApplicationStarted.Register(() => LogRoutes(app.Services.GetRequiredService<EndpointDataSource>(), logger));
        return app;
    }

    private static void UseDockerJson(JsonOptions options)
    {
        var json = options.SerializerOptions;
        json.TypeInfoResolverChain.Clear();
        json.TypeInfoResolverChain.Add(DockerJsonContext.Default);
        json.PropertyNamingPolicy = null;
        json.PropertyNameCaseInsensitive = true;
        json.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        json.NumberHandling = JsonNumberHandling.Strict;
    }

    private static void LogRoutes(EndpointDataSource source, ILogger logger)
    {
        var routes = source.Endpoints.OfType<RouteEndpoint>().ToList();
        var described = 0;
        foreach (var route in routes)
        {
            var methods = route.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [];
            var excluded = route.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>()?.ExcludeFromDescription == true;
            var state = excluded ? "excluded from the document" : methods.Count == 0 ? "not described: no HTTP method" : "described";
            described += state == "described" ? 1 : 0;
            Log.Route(logger, methods.Count == 0 ? "*" : string.Join(",", methods), route.RoutePattern.RawText ?? "", state);
        }

        Log.Routes(logger, routes.Count, described);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.Route, Level = LogLevel.Debug, Message = "API route {Methods} {Route} ({Description})")]
        public static partial void Route(ILogger logger, string methods, string route, string description);

        [LoggerMessage(EventId = EventIds.Routes, Level = LogLevel.Debug, Message = "API routes: {Count} mapped, {Described} described in " + DocumentPath)]
        public static partial void Routes(ILogger logger, int count, int described);
    }
}
