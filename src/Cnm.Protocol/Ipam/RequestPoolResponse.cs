using System.Text.Json.Serialization;
using Cnm.Protocol.Json;

namespace Cnm.Protocol.Ipam;

/// <summary>Answer to <c>IpamDriver.RequestPool</c>. Null members are omitted when written.</summary>
/// <param name="PoolId">The driver's identifier for the pool, used in later calls.</param>
/// <param name="Pool">The pool in CIDR form; the host forwards it unchanged, host bits included.</param>
/// <param name="Data">
/// Extra data (a string map in Go); <c>com.docker.network.gateway</c> gives the gateway in CIDR form.
/// </param>
/// <param name="Error">The plugin's error text (IPAM answers use <c>Error</c>, not <c>Err</c>); null or empty on success. Omitted when null.</param>
public sealed record RequestPoolResponse(
    [property: JsonPropertyName("PoolID"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    string? PoolId = null,
    [property: JsonPropertyName("Pool"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    string? Pool = null,
    [property: JsonPropertyName("Data"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull), JsonConverter(typeof(GoStringMapConverter))]
    IReadOnlyDictionary<string, string>? Data = null,
    [property: JsonPropertyName("Error"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    string? Error = null) : IErrorResponse
{
    /// <inheritdoc />
    string? IErrorResponse.ErrorText => Error;
}
