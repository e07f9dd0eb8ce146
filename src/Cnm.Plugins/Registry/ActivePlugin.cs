using Cnm.Plugins.Client;

namespace Cnm.Plugins.Registry;

/// <summary>A plugin that answered <c>Plugin.Activate</c>: its name, where it lives, what it implements and a client for it.</summary>
public sealed class ActivePlugin
{
    internal ActivePlugin(PluginSpec spec, IReadOnlyList<string> implements, PluginClient client, int generation,
        DateTimeOffset activatedAt)
    {
        Spec = spec;
        Implements = implements;
        Client = client;
        Generation = generation;
        ActivatedAt = activatedAt;
    }

    /// <summary>The plugin name.</summary>
    public string Name => Spec.Name;

    /// <summary>Where the plugin was found and how it is reached.</summary>
    public PluginSpec Spec { get; }

    /// <summary>The <c>Implements</c> list of the activation answer, in the plugin's order.</summary>
    public IReadOnlyList<string> Implements { get; }

    /// <summary>The client for calls to this plugin. It belongs to the registry: do not dispose it.</summary>
    public PluginClient Client { get; }

    /// <summary>1 for the first activation of this name in the registry, 2 for the next, and so on.</summary>
    public int Generation { get; }

    /// <summary>When the activation answer arrived.</summary>
    public DateTimeOffset ActivatedAt { get; }

    /// <summary>True when <see cref="Implements"/> holds <paramref name="pluginInterface"/> (exact, case-sensitive, as the reference).</summary>
    public bool Supports(string pluginInterface) => Implements.Contains(pluginInterface, StringComparer.Ordinal);

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({Spec.Address}, generation {Generation})";
}
