using System.Text.Json;
using System.Text.Json.Serialization;
using Cnm.Protocol.Json;

namespace Cnm.Protocol.Network;

/// <summary>
/// Body of <c>NetworkDriver.CreateNetwork</c>, sent after the IPAM has allocated the network's pools.
/// Every member is written, null ones as <c>null</c>, as Go's encoder does.
/// </summary>
/// <param name="NetworkId">The 64-hex network ID.</param>
/// <param name="Options">
/// The network's generic options: always <c>com.docker.network.generic</c> (the driver options, a string
/// map), often <c>com.docker.network.enable_ipv6</c> and <c>com.docker.network.internal</c> (booleans).
/// Values can be any JSON.
/// </param>
/// <param name="IPv4Data">One entry per IPv4 pool, in configuration order.</param>
/// <param name="IPv6Data">One entry per IPv6 pool; <c>[]</c> (not null) when IPv6 is off.</param>
public sealed record CreateNetworkRequest(
    [property: JsonPropertyName("NetworkID")] string NetworkId,
    [property: JsonPropertyName("Options"), JsonConverter(typeof(GoOptionsConverter))] IReadOnlyDictionary<string, JsonElement>? Options,
    [property: JsonPropertyName("IPv4Data")] IReadOnlyList<IpamData>? IPv4Data,
    [property: JsonPropertyName("IPv6Data")] IReadOnlyList<IpamData>? IPv6Data);
