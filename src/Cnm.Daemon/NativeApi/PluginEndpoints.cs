using Cnm.Daemon.DockerApi;
using Cnm.Plugins.Registry;

namespace Cnm.Daemon.NativeApi;

/// <summary>
/// <c>GET /healthz</c> and <c>GET /cnm/v1/plugins</c>: the plugins the registry knows, with their state.
/// The daemon answering at all is the health; plugin trouble only makes it <c>degraded</c> (still 200).
/// </summary>
internal static class PluginEndpoints
{
    public static void MapNativePlugins(this IEndpointRouteBuilder app, PluginRegistry registry)
    {
        app.MapGet("/cnm/v1/plugins", () => DockerJson.Result(List(registry), DockerJson.Context.ListPluginResource));

        app.MapGet("/healthz", () =>
        {
            var plugins = List(registry);
            var status = plugins.All(p => p.State is "active" or "activating") ? "ok" : "degraded";
            return DockerJson.Result(new HealthResource(status, plugins), DockerJson.Context.HealthResource);
        });
    }

    private static List<PluginResource> List(PluginRegistry registry) =>
        [.. registry.Plugins.OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => new PluginResource(
            p.Name,
            p.State.ToString().ToLowerInvariant(),
            p.Spec?.Address.ToString(),
            p.Spec?.Source,
            [.. p.Implements],
            p.Generation,
            p.LastError,
            NetworkMapper.FormatTime(p.Since)))];
}
