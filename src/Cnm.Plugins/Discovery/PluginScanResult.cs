namespace Cnm.Plugins.Discovery;

/// <summary>Everything one scan of the plugin directories found.</summary>
/// <param name="Plugins">One spec per plugin name, chosen by the lookup order of <see cref="PluginDiscovery.Find"/>, sorted by name.</param>
/// <param name="Errors">Names whose first matching file is broken, sorted by name; they are not in <paramref name="Plugins"/>.</param>
public sealed record PluginScanResult(IReadOnlyList<PluginSpec> Plugins, IReadOnlyList<PluginScanError> Errors);
