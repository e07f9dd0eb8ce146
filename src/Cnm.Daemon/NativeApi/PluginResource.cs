namespace Cnm.Daemon.NativeApi;

/// <summary>
/// A plugin in native API answers: its registry state, the scope its network driver declared (null when it is
/// no network driver or has not registered one), and its call totals. <see cref="Methods"/> is filled only by
/// <c>GET /cnm/v1/plugins/{name}</c>.
/// </summary>
internal sealed record PluginResource(string Name, string State, string? Address, string? Source, List<string> Implements,
    int Activations, string? LastError, string Since, string? Scope = null, long Calls = 0, long Errors = 0,
    List<PluginMethodResource>? Methods = null);
