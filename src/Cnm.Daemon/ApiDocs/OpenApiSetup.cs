using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Cnm.Daemon.ApiDocs;

/// <summary>
/// The OpenAPI document of cnmd's API, served at <c>GET /cnm/v1/openapi.json</c> and kept in
/// <c>spec/daemon-api.json</c> (tests/Cnm.Daemon.Tests/OpenApiTests.cs fails when the two differ).
/// It is built from the routes' own metadata (WithName, WithSummary, Produces…), so it cannot drift from them.
/// </summary>
internal static partial class OpenApiSetup
{
    public const string DocumentPath = "/cnm/v1/openapi.json";

    private const string Description = """
        cnmd: a Docker-compatible network API (tag `docker`) and Cnm's native API under `/cnm/v1` (tag `native`), on a unix socket.

        Version prefix: every route also answers under a Docker API version prefix, `/v{major}` or `/v{major}.{minor}` (for example `/v1.47/networks` is `/networks`); the prefix is stripped before routing and not otherwise checked, so the paths here are listed once, without it.

        Every answer carries `Api-Version` and `Ostype: linux`. Errors are `{"message": "…"}` with the status of their category: 400 invalid parameter, 403 forbidden, 404 not found, 409 conflict, 501 not implemented, 503 unavailable, 504 timeout, 500 otherwise. spec/daemon-api.md has the details.
        """;

    public static IServiceCollection AddCnmOpenApi(this IServiceCollection services)
    {
        // The schemas are generated from the same source-generated metadata that writes the wire (DockerJsonContext),
        // with its rules: Docker's names as they are, nulls left out. Nothing else is in the chain, so a type the
        // context lacks fails loudly instead of falling back to reflection.
        services.ConfigureHttpJsonOptions(o => UseDockerJson(o));
        services.AddOpenApi(o =>
        {
            o.OpenApiVersion = OpenApiSpecVersion.OpenApi3_1;
            o.AddDocumentTransformer((document, _, _) =>
            {
                Describe(document);
                return Task.CompletedTask;
            });
            o.AddOperationTransformer((operation, context, _) =>
            {
                AddQueryParameters(operation, context.Description.ActionDescriptor.EndpointMetadata);
                operation.RequestBody?.Content?.Remove(RouteDescriptions.AnyContentType);
                return Task.CompletedTask;
            });
        });
        return services;
    }

    /// <summary>Serves the document and logs (at Debug) every route with whether the document describes it.</summary>
    public static WebApplication MapCnmOpenApi(this WebApplication app)
    {
        app.MapOpenApi(DocumentPath);
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

    private static void Describe(OpenApiDocument document)
    {
        document.Info = new OpenApiInfo { Title = "cnmd API", Version = ApiMiddleware.ApiVersion, Description = Description };

        // The generator names the server the request came to; over a unix socket that is any Host header.
        document.Servers = [];
        document.Tags = new HashSet<OpenApiTag>
        {
            new() { Name = RouteDescriptions.DockerTag, Description = "Docker Engine API routes that `docker network …` uses" },
            new() { Name = RouteDescriptions.NativeTag, Description = "Cnm's own routes: what Docker's network API lacks" },
        };

        // Ordinal order of paths and schemas, so the committed file changes only where the API does.
        var paths = new OpenApiPaths();
        foreach (var (path, item) in document.Paths.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            paths.Add(path, item);
        }

        document.Paths = paths;
        if (document.Components?.Schemas is { } schemas)
        {
            document.Components.Schemas = schemas.OrderBy(s => s.Key, StringComparer.Ordinal).ToDictionary(s => s.Key, s => s.Value, StringComparer.Ordinal);
        }
    }

    private static void AddQueryParameters(OpenApiOperation operation, IList<object> metadata)
    {
        foreach (var query in metadata.OfType<QueryParameterMetadata>())
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = query.Name,
                In = ParameterLocation.Query,
                Required = false,
                Description = query.Description,
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            });
        }
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
