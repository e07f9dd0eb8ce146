using System.Text.Json.Serialization;
using Cnm.Protocol.Json;

namespace Cnm.Protocol.Network;

/// <summary>Answer to <c>NetworkDriver.AllocateNetwork</c>. Null members are omitted when written.</summary>
/// <param name="Options">Options the agents pass on to CreateNetwork (a string map in Go).</param>
/// <param name="Err">The plugin's error text; null or empty on success. Omitted when null.</param>
public sealed record AllocateNetworkResponse(
    [property: JsonPropertyName("Options"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull), JsonConverter(typeof(GoStringMapConverter))]
    IReadOnlyDictionary<string, string>? Options = null,
    [property: JsonPropertyName("Err"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    string? Err = null) : IErrorResponse
{
    /// <inheritdoc />
    string? IErrorResponse.ErrorText => Err;
}
