using System.Text.Json.Serialization;
using Cnm.Protocol.Json;

namespace Cnm.Protocol.Ipam;

/// <summary>Answer to <c>IpamDriver.RequestAddress</c>. Null members are omitted when written.</summary>
/// <param name="Address">The address with its mask, e.g. <c>172.18.0.2/16</c>; empty is an error.</param>
/// <param name="Data">Extra data (a string map in Go).</param>
/// <param name="Error">The plugin's error text (IPAM answers use <c>Error</c>, not <c>Err</c>); null or empty on success. Omitted when null.</param>
public sealed record RequestAddressResponse(
    [property: JsonPropertyName("Address"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    string? Address = null,
    [property: JsonPropertyName("Data"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull), JsonConverter(typeof(GoStringMapConverter))]
    IReadOnlyDictionary<string, string>? Data = null,
    [property: JsonPropertyName("Error"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    string? Error = null) : IErrorResponse
{
    /// <inheritdoc />
    string? IErrorResponse.ErrorText => Error;
}
