using System.Text.Json.Serialization;

namespace Cnm.Protocol.Network;

/// <summary>Answer to <c>NetworkDriver.CreateEndpoint</c>. Null members are omitted when written.</summary>
/// <param name="Interface">
/// Addresses the driver fills in; null or absent means nothing to add. A non-empty field may only fill
/// what the host left unset.
/// </param>
/// <param name="Err">The plugin's error text; null or empty on success. Omitted when null.</param>
public sealed record CreateEndpointResponse(
    [property: JsonPropertyName("Interface"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    EndpointInterface? Interface = null,
    [property: JsonPropertyName("Err"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    string? Err = null) : IErrorResponse
{
    /// <inheritdoc />
    string? IErrorResponse.ErrorText => Err;
}
