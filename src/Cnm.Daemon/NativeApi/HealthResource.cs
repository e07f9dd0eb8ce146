namespace Cnm.Daemon.NativeApi;

/// <summary>Answer of <c>GET /healthz</c>: <c>ok</c> when every known plugin is active, else <c>degraded</c>.</summary>
internal sealed record HealthResource(string Status, List<PluginResource> Plugins);
