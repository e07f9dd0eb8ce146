using System.Text.Json.Serialization;

namespace Cnm.Protocol.Ipam;

/// <summary>Body of <c>IpamDriver.ReleaseAddress</c>.</summary>
/// <param name="PoolId">The pool identifier the driver returned from RequestPool.</param>
/// <param name="Address">The address to release, as a plain IP (no mask).</param>
public sealed record ReleaseAddressRequest(
    [property: JsonPropertyName("PoolID")] string PoolId,
    [property: JsonPropertyName("Address")] string Address);
