using System.Text.Json.Serialization;

namespace Cnm.Plugins;

/// <summary>
/// The <c>TLSConfig</c> object of a <c>.json</c> plugin spec (go-connections' field names).
/// </summary>
/// <param name="CAFile">PEM file of the CA that signs the plugin's certificate.</param>
/// <param name="CertFile">PEM client certificate presented to the plugin.</param>
/// <param name="KeyFile">PEM private key of the client certificate.</param>
/// <param name="InsecureSkipVerify">Skip verification of the plugin's certificate.</param>
public sealed record PluginTlsConfig(
    [property: JsonPropertyName("CAFile")] string? CAFile = null,
    [property: JsonPropertyName("CertFile")] string? CertFile = null,
    [property: JsonPropertyName("KeyFile")] string? KeyFile = null,
    [property: JsonPropertyName("InsecureSkipVerify")] bool InsecureSkipVerify = false);
