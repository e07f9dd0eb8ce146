using System.Text.Json;

namespace Cnm.Core.Drivers;

/// <summary>What a driver gets to create a network.</summary>
/// <param name="NetworkId">The 64-hex network id.</param>
/// <param name="Options">
/// The network's generic options: <c>com.docker.network.generic</c> (driver options), and
/// <c>com.docker.network.enable_ipv6</c> / <c>com.docker.network.internal</c> (docs/reference-host.md §3.2).
/// </param>
/// <param name="IPv4Data">IPv4 pools, in configuration order.</param>
/// <param name="IPv6Data">IPv6 pools; empty when IPv6 is off.</param>
public sealed record CreateNetworkArgs(string NetworkId, IReadOnlyDictionary<string, JsonElement> Options,
    IReadOnlyList<IpamPoolData> IPv4Data, IReadOnlyList<IpamPoolData> IPv6Data);
