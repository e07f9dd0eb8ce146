using System.Text.Json.Serialization;

namespace Cnm.Plugins.Discovery;

/// <summary>The exported fields of the reference's <c>Plugin</c> struct, as read from a <c>.json</c> spec (docs/reference-host.md §1.3).</summary>
/// <param name="Addr">The plugin address URL.</param>
/// <param name="TLSConfig">TLS settings; null when absent.</param>
internal sealed record SpecFile(
    [property: JsonPropertyName("Addr")] string? Addr = null,
    [property: JsonPropertyName("TLSConfig")] PluginTlsConfig? TLSConfig = null);
