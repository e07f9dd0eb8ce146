namespace Cnm.Plugins.Registry;

/// <summary>What the <see cref="Watching.PluginWatcher"/> asks the registry before it activates or marks a plugin gone.</summary>
public sealed partial class PluginRegistry
{
    /// <summary>True when <paramref name="name"/> is active from exactly the file <paramref name="fingerprint"/> names, with no activation in flight.</summary>
    internal bool IsActiveFrom(string name, string fingerprint)
    {
        lock (_lock)
        {
            return _entries.TryGetValue(name, out var entry) && entry.InFlight is null
                && entry.State == PluginState.Active && entry.Fingerprint == fingerprint;
        }
    }

    /// <summary>True when an activation of <paramref name="name"/> from the file <paramref name="fingerprint"/> names is in flight.</summary>
    internal bool IsActivating(string name, string fingerprint)
    {
        lock (_lock)
        {
            return _entries.TryGetValue(name, out var entry) && entry.InFlightSource?.Fingerprint == fingerprint;
        }
    }

    /// <summary>Names that are not gone (active, activating or failed), for the watcher to check against a scan.</summary>
    internal IReadOnlyList<string> PresentNames()
    {
        lock (_lock)
        {
            return [.. _entries.Values.Where(e => e.State != PluginState.Gone).Select(e => e.Name)];
        }
    }
}
