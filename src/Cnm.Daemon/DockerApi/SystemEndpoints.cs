using System.Reflection;
using System.Runtime.InteropServices;

namespace Cnm.Daemon.DockerApi;

/// <summary><c>/_ping</c> (version negotiation) and <c>/version</c>.</summary>
internal static class SystemEndpoints
{
    public static void MapDockerSystem(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/_ping", ["GET", "HEAD"], (HttpContext context) =>
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
        });

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
            KernelVersion: Environment.OSVersion.Version.ToString()), DockerJson.Context.VersionResponse));
    }
}
