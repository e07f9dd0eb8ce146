using Cnm.Core.Control;
using Cnm.Core.Errors;
using Cnm.Daemon.ApiDocs;
using Cnm.Plugins.Client;
using Cnm.Plugins.Registry;

namespace Cnm.Daemon.NativeApi;

/// <summary>
/// <c>GET /healthz</c>, <c>GET /cnm/v1/plugins</c> and <c>GET /cnm/v1/plugins/{name}</c>: the plugins the
/// registry knows, with their state, scope, call totals and (for one plugin) per-method calls and latency.
/// The daemon answering at all is the health; plugin trouble only makes it <c>degraded</c> (still 200).
/// </summary>
internal static class PluginEndpoints
{
    public static void MapNativePlugins(this IEndpointRouteBuilder app, PluginRegistry registry, Controller controller)
    {
        // Listens from here on: plugins are activated (and called) once the host runs, after the routes are mapped.
        var stats = new PluginCallStats();
        app.ServiceProvider.GetRequiredService<IHostApplicationLifetime>().ApplicationStopped.Register(stats.Dispose);

        app.MapGet("/cnm/v1/plugins", () => DockerJson.Result(List(registry, controller, stats), DockerJson.Context.ListPluginResource))
            .WithName("PluginList").WithSummary("List the plugins the registry knows, with their state, scope and call totals").WithTags(RouteDescriptions.NativeTag)
            .Produces<List<PluginResource>>(StatusCodes.Status200OK, DockerJson.ContentType)
            .ProducesErrors();

        app.MapGet("/cnm/v1/plugins/{name}", (string name) =>
            {
                var status = registry.Plugins.FirstOrDefault(p => p.Name == name)
                    ?? throw CnmException.NotFound($"plugin \"{name}\" not found: the registry knows no plugin of that name (see GET /cnm/v1/plugins)");
                var methods = stats.Methods(status.Name);
                var resource = ToResource(status, controller, methods) with { Methods = [.. methods.Select(ToResource)] };
                return DockerJson.Result(resource, DockerJson.Context.PluginResource);
            })
            .WithName("PluginInspect").WithSummary("Inspect a plugin: its state and, per method, calls, errors and latency").WithTags(RouteDescriptions.NativeTag)
            .Produces<PluginResource>(StatusCodes.Status200OK, DockerJson.ContentType)
            .ProducesErrors(StatusCodes.Status404NotFound);

        app.MapGet("/healthz", () =>
            {
                var plugins = List(registry, controller, stats);
                var status = plugins.All(p => p.State is "active" or "activating") ? "ok" : "degraded";
                return DockerJson.Result(new HealthResource(status, plugins), DockerJson.Context.HealthResource);
            })
            .WithName("Health").WithSummary("Daemon health: ok when every known plugin is active or activating, else degraded (still 200)").WithTags(RouteDescriptions.NativeTag)
            .Produces<HealthResource>(StatusCodes.Status200OK, DockerJson.ContentType)
            .ProducesErrors();
    }

    private static List<PluginResource> List(PluginRegistry registry, Controller controller, PluginCallStats stats) =>
        [.. registry.Plugins.OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => ToResource(p, controller, stats.Methods(p.Name)))];

    private static PluginResource ToResource(PluginStatus p, Controller controller, IReadOnlyList<PluginMethodStats> methods) => new(
        p.Name,
        p.State.ToString().ToLowerInvariant(),
        p.Spec?.Address.ToString(),
        p.Spec?.Source,
        [.. p.Implements],
        p.Generation,
        p.LastError,
        ApiTime.Format(p.Since),
        // A plugin's network driver is registered under the plugin's own name (docs/design.md, "registration by callback").
        controller.GetNetworkDriverCapability(p.Name)?.Scope.ToString().ToLowerInvariant(),
        methods.Sum(m => m.Calls),
        methods.Sum(m => m.Errors));

    private static PluginMethodResource ToResource(PluginMethodStats m) => new(
        m.Method,
        m.Calls,
        m.Errors,
        new Dictionary<string, long>(m.ErrorsByCategory, StringComparer.Ordinal),
        m.LastError,
        m.LastErrorAt is { } at ? ApiTime.Format(at) : null,
        Milliseconds(m.Mean),
        Milliseconds(m.P50),
        Milliseconds(m.P99),
        Milliseconds(m.Max));

    private static double Milliseconds(TimeSpan value) => Math.Round(value.TotalMilliseconds, 3);
}
