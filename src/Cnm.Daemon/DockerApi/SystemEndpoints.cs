using Cnm.Daemon.ApiDocs;

namespace Cnm.Daemon.DockerApi;

/// <summary><c>/_ping</c> (version negotiation), <c>/version</c> and <c>/info</c>.</summary>
internal static class SystemEndpoints
{
    public static void MapDockerSystem(this IEndpointRouteBuilder app, InfoBuilder info)
    {
        // GET and HEAD are two routes only so that each has its own operation id in the document.
        app.MapGet("/_ping", Ping)
            .WithName("SystemPing").WithSummary("Ping: answers OK; the docker CLI negotiates the API version from its headers")
            .WithTags(RouteDescriptions.DockerTag)
            .Produces<string>(StatusCodes.Status200OK, "text/plain")
            .ProducesErrors();

        app.MapMethods("/_ping", [HttpMethods.Head], Ping)
            .WithName("SystemPingHead").WithSummary("Ping with HEAD: the headers of GET /_ping, no body")
            .WithTags(RouteDescriptions.DockerTag)
            .Produces(StatusCodes.Status200OK)
            .ProducesErrors();

        app.MapGet("/version", () => DockerJson.Result(Version(), DockerJson.Context.VersionResponse))
            .WithName("SystemVersion").WithSummary("Version of cnmd and of the API it implements, with the build's commit and the host's kernel").WithTags(RouteDescriptions.DockerTag)
            .Produces<VersionResponse>(StatusCodes.Status200OK, DockerJson.ContentType)
            .ProducesErrors();

        app.MapGet("/info", () => DockerJson.Result(info.Build(), DockerJson.Context.InfoResponse))
            .WithName("SystemInfo").WithSummary("System-wide information as docker info shows it: cnmd's version, host, and network and IPAM drivers").WithTags(RouteDescriptions.DockerTag)
            .Produces<InfoResponse>(StatusCodes.Status200OK, DockerJson.ContentType)
            .ProducesErrors();
    }

    /// <summary>
    /// Docker's shape: the top-level fields, and one <c>Engine</c> component with the same facts in <c>Details</c>. It is
    /// named Engine because the docker CLI prints that layout only for that name (and adds an Engine entry of its own
    /// when there is none); the platform name says it is cnmd.
    /// </summary>
    private static VersionResponse Version()
    {
        var details = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["ApiVersion"] = ApiMiddleware.ApiVersion,
            ["Arch"] = EngineInfo.Arch,
            ["BuildTime"] = EngineInfo.BuildTime,
            ["Experimental"] = "false",
            ["GitCommit"] = EngineInfo.GitCommit,
            ["GoVersion"] = EngineInfo.RuntimeVersion,
            ["KernelVersion"] = EngineInfo.KernelVersion,
            ["MinAPIVersion"] = ApiMiddleware.MinApiVersion,
            ["Os"] = "linux",
        };
        return new VersionResponse(new PlatformResource("cnmd"), [new ComponentVersion("Engine", EngineInfo.Version, details)],
            EngineInfo.Version, ApiMiddleware.ApiVersion, ApiMiddleware.MinApiVersion, EngineInfo.GitCommit, EngineInfo.RuntimeVersion,
            "linux", EngineInfo.Arch, EngineInfo.KernelVersion, EngineInfo.BuildTime);
    }

    private static IResult Ping(HttpContext context)
    {
        context.Response.Headers.CacheControl = "no-cache, no-store, must-revalidate";
        context.Response.Headers.Pragma = "no-cache";
        context.Response.Headers["Docker-Experimental"] = "false";
        if (HttpMethods.IsHead(context.Request.Method))
        {
            context.Response.ContentLength = 2;
            context.Response.ContentType = "text/plain; charset=utf-8";
            return Results.Empty;
        }

        return Results.Text("OK", "text/plain; charset=utf-8");
    }
}
