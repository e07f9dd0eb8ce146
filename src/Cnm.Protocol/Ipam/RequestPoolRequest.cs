using System.Text.Json.Serialization;
using Cnm.Protocol.Json;

namespace Cnm.Protocol.Ipam;

/// <summary>
/// Body of <c>IpamDriver.RequestPool</c>. Every member is written, a null map as <c>null</c>, as Go's
/// encoder does.
/// </summary>
/// <param name="AddressSpace">The address space to allocate from.</param>
/// <param name="Pool">The preferred pool in CIDR form, or empty for any pool.</param>
/// <param name="SubPool">A range inside <paramref name="Pool"/> to allocate addresses from, or empty.</param>
/// <param name="Options">The network's IPAM options (a string map in Go).</param>
/// <param name="V6">True for an IPv6 pool (only matters when <paramref name="Pool"/> is empty).</param>
public sealed record RequestPoolRequest(
    [property: JsonPropertyName("AddressSpace")] string AddressSpace,
    [property: JsonPropertyName("Pool")] string Pool,
    [property: JsonPropertyName("SubPool")] string SubPool,
    [property: JsonPropertyName("Options"), JsonConverter(typeof(GoStringMapConverter))] IReadOnlyDictionary<string, string>? Options,
    [property: JsonPropertyName("V6")] bool V6);
