using System.Text.Json.Serialization;
using Cnm.Protocol.Json;

namespace Cnm.Protocol.Network;

/// <summary>
/// Body of <c>NetworkDriver.AllocateNetwork</c>, sent by a swarm manager (never by the 20.10 controller).
/// Every member is written, null ones as <c>null</c>, as Go's encoder does.
/// </summary>
/// <param name="NetworkId">The 64-hex network ID.</param>
/// <param name="Options">The driver options (a string map in Go).</param>
/// <param name="IPv4Data">One entry per IPv4 pool.</param>
/// <param name="IPv6Data">One entry per IPv6 pool.</param>
public sealed record AllocateNetworkRequest(
    [property: JsonPropertyName("NetworkID")] string NetworkId,
    [property: JsonPropertyName("Options"), JsonConverter(typeof(GoStringMapConverter))] IReadOnlyDictionary<string, string>? Options,
    [property: JsonPropertyName("IPv4Data")] IReadOnlyList<IpamData>? IPv4Data,
    [property: JsonPropertyName("IPv6Data")] IReadOnlyList<IpamData>? IPv6Data);
