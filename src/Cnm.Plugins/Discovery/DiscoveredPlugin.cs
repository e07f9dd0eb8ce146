namespace Cnm.Plugins.Discovery;

/// <summary>A resolved plugin together with a fingerprint of the file it came from.</summary>
/// <param name="Spec">How to reach the plugin.</param>
/// <param name="Fingerprint">Changes when the socket is re-created or the spec file rewritten.</param>
internal sealed record DiscoveredPlugin(PluginSpec Spec, string Fingerprint);
