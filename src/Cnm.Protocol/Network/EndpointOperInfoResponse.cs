using System.Text.Json;
using System.Text.Json.Serialization;
using Cnm.Protocol.Json;

namespace Cnm.Protocol.Network;

/// <summary>Answer to <c>NetworkDriver.EndpointOperInfo</c>. Null members are omitted when written.</summary>
/// <param name="Value">Free-form operational data; values can be any JSON.</param>
/// <param name="Err">The plugin's error text; null or empty on success. Omitted when null.</param>
public sealed record EndpointOperInfoResponse(
    [property: JsonPropertyName("Value"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull), JsonConverter(typeof(GoOptionsConverter))]
    IReadOnlyDictionary<string, JsonElement>? Value = null,
    [property: JsonPropertyName("Err"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    string? Err = null) : IErrorResponse
{
    /// <inheritdoc />
    string? IErrorResponse.ErrorText => Err;
}
