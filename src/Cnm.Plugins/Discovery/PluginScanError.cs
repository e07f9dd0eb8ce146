namespace Cnm.Plugins.Discovery;

/// <summary>A plugin that <see cref="PluginDiscovery.Scan"/> found but could not load.</summary>
/// <param name="Name">The plugin name taken from the file name.</param>
/// <param name="Source">The file or directory at fault.</param>
/// <param name="Error">What is wrong, naming the file and the fault.</param>
public sealed record PluginScanError(string Name, string Source, PluginException Error);
