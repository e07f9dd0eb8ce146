using System.Text.Json.Serialization;
using Cnm.Protocol.Json;

namespace Cnm.Protocol.Ipam;

/// <summary>
/// Body of <c>IpamDriver.RequestAddress</c>. Every member is written, a null map as <c>null</c>, as Go's
/// encoder does.
/// </summary>
/// <param name="PoolId">The pool identifier the driver returned from RequestPool.</param>
/// <param name="Address">The preferred address as a plain IP (no mask), or empty for any address.</param>
/// <param name="Options">
/// Request options (a string map in Go), e.g. <c>RequestAddressType</c> = <c>com.docker.network.gateway</c>
/// for a gateway, or <c>com.docker.network.endpoint.macaddress</c> for drivers that require the MAC.
/// </param>
public sealed record RequestAddressRequest(
    [property: JsonPropertyName("PoolID")] string PoolId,
    [property: JsonPropertyName("Address")] string Address,
    [property: JsonPropertyName("Options"), JsonConverter(typeof(GoStringMapConverter))] IReadOnlyDictionary<string, string>? Options);
