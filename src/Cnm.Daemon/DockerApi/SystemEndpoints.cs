using System.Reflection;
using System.Runtime.InteropServices;
using Cnm.Daemon.ApiDocs;

namespace Cnm.Daemon.DockerApi;

/// <summary><c>/_ping</c> (version negotiation) and <c>/version</c>.</summary>
internal static class SystemEndpoints
{
    public static void MapDockerSystem(this IEndpointRouteBuilder app)
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

        app.MapGet("/version", () => DockerJson.Result(new VersionResponse(
            Version: "cnmd " + (typeof(SystemEndpoints).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0"),
            ApiVersion: ApiMiddleware.ApiVersion,
            MinAPIVersion: ApiMiddleware.MinApiVersion,
            Os: "linux",
            Arch: RuntimeInformation.OSArchitecture switch
            {
                Architecture.X64 => "amd64",
                Architecture.Arm64 => "arm64",
                var other => other.ToString().ToLowerInvariant(),
            },
            GitCommit: "",
            GoVersion: RuntimeInformation.FrameworkDescription,
            KernelVersion: Environment.OSVersion.Version.ToString()), DockerJson.Context.VersionResponse))
            .WithName("SystemVersion").WithSummary("Version of cnmd and of the API it implements").WithTags(RouteDescriptions.DockerTag)
            .Produces<VersionResponse>(StatusCodes.Status200OK, DockerJson.ContentType)
            .ProducesErrors();
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
