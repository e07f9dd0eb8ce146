namespace Cnm.Plugins.Registry;

/// <summary>A snapshot of one plugin known to the registry.</summary>
/// <param name="Name">The plugin name.</param>
/// <param name="State">Its state.</param>
/// <param name="Spec">Where it was last found; null when never resolved.</param>
/// <param name="Implements">The interfaces of its last successful activation; empty when never activated.</param>
/// <param name="Generation">How many times it has been activated successfully.</param>
/// <param name="LastError">Why the last activation failed or why it is gone; null when active.</param>
/// <param name="Since">When it entered <paramref name="State"/>.</param>
public sealed record PluginStatus(
    string Name,
    PluginState State,
    PluginSpec? Spec,
    IReadOnlyList<string> Implements,
    int Generation,
    string? LastError,
    DateTimeOffset Since);
