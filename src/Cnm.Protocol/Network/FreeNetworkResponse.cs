using System.Text.Json.Serialization;

namespace Cnm.Protocol.Network;

/// <summary>Answer to <c>NetworkDriver.FreeNetwork</c>: <c>{}</c> on success.</summary>
/// <param name="Err">The plugin's error text; null or empty on success. Omitted when null.</param>
public sealed record FreeNetworkResponse(
    [property: JsonPropertyName("Err"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    string? Err = null) : IErrorResponse
{
    /// <inheritdoc />
    string? IErrorResponse.ErrorText => Err;
}
