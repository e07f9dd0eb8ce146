using System.Text.Json.Serialization;

namespace Cnm.Protocol.Ipam;

/// <summary>Body of <c>IpamDriver.ReleasePool</c>.</summary>
/// <param name="PoolId">The pool identifier the driver returned from RequestPool.</param>
public sealed record ReleasePoolRequest(
    [property: JsonPropertyName("PoolID")] string PoolId);
