namespace Cnm.Plugins;

/// <summary>Where a plugin lives and how to reach it.</summary>
/// <param name="Name">The plugin name (the file name without extension).</param>
/// <param name="Address">
/// The address: <c>unix:///path.sock</c>, <c>tcp://host:port</c>, <c>http://host:port</c> or <c>https://host:port</c>.
/// </param>
/// <param name="Tls">TLS settings from a <c>.json</c> spec; used only for <c>https://</c> addresses.</param>
/// <param name="Source">The socket or spec file the plugin was found through; null when built by hand.</param>
public sealed record PluginSpec(string Name, Uri Address, PluginTlsConfig? Tls = null, string? Source = null);
