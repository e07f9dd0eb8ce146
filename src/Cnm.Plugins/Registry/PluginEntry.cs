using Cnm.Plugins.Discovery;

namespace Cnm.Plugins.Registry;

/// <summary>The registry's record of one plugin name. Every field is read and written under the registry lock.</summary>
internal sealed class PluginEntry(string name)
{
    public string Name { get; } = name;

    public PluginState State { get; set; } = PluginState.Activating;

    /// <summary>The last successful activation, kept after failure or Gone for listings and Gone events.</summary>
    public ActivePlugin? Current { get; set; }

    /// <summary>Fingerprint of the file <see cref="Current"/> was activated from.</summary>
    public string? Fingerprint { get; set; }

    /// <summary>The spec of the last resolution, successful or not.</summary>
    public PluginSpec? LastSpec { get; set; }

    /// <summary>The activation in flight, if any; every caller awaits this one task.</summary>
    public Task<ActivePlugin>? InFlight { get; set; }

    /// <summary>What <see cref="InFlight"/> activates.</summary>
    public DiscoveredPlugin? InFlightSource { get; set; }

    /// <summary>True while subscribers were last told the plugin is active (Activated/Reactivated, not yet Gone).</summary>
    public bool Announced { get; set; }

    public int Generation { get; set; }

    public string? LastError { get; set; }

    public DateTimeOffset Since { get; set; }
}
