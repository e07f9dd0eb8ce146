namespace Cnm.Plugins.Registry;

/// <summary>What happened to a plugin, as told to <see cref="PluginRegistry.Handle"/> subscribers.</summary>
public enum PluginEventKind
{
    /// <summary>
    /// The plugin is active and implements the subscribed interface: its first activation, or a replay
    /// of an already active plugin to a new subscriber.
    /// </summary>
    Activated,

    /// <summary>
    /// The plugin was activated again after it was replaced (socket re-created, spec file changed) or
    /// came back after <see cref="Gone"/>; the event carries the new client (docs/decisions.md, "plugin restart").
    /// </summary>
    Reactivated,

    /// <summary>
    /// The plugin's socket or spec file went away (or became unusable). Only reported: whatever was
    /// registered for it stays registered, and a later <see cref="Reactivated"/> brings it back.
    /// </summary>
    Gone,
}
