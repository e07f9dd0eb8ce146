using System.Text.Json.Serialization;

namespace Cnm.Protocol.Network;

/// <summary>
/// Answer to <c>NetworkDriver.GetCapabilities</c> (the request has an empty body). Null members are
/// omitted when written; the host reads a missing member as empty.
/// </summary>
/// <param name="Scope">
/// <see cref="DriverScopes.Local"/> or <see cref="DriverScopes.Global"/>, exactly; anything else makes
/// registration fail.
/// </param>
/// <param name="ConnectivityScope">
/// <see cref="DriverScopes.Local"/>, <see cref="DriverScopes.Global"/>, or empty/missing to copy
/// <paramref name="Scope"/>.
/// </param>
/// <param name="Err">The plugin's error text; null or empty on success. Omitted when null.</param>
public sealed record NetworkCapabilitiesResponse(
    [property: JsonPropertyName("Scope"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    string? Scope = null,
    [property: JsonPropertyName("ConnectivityScope"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    string? ConnectivityScope = null,
    [property: JsonPropertyName("Err"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    string? Err = null) : IErrorResponse
{
    /// <inheritdoc />
    string? IErrorResponse.ErrorText => Err;
}
