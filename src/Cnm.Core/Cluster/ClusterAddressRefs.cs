using Cnm.Core.Model;
using Cnm.Core.Net;

namespace Cnm.Core.Cluster;

/// <summary>The <c>GlobalDefault</c> address keys (spec/cluster.md, "Key layout") that a network or endpoint record holds.</summary>
internal static class ClusterAddressRefs
{
    private const string GlobalPrefix = Ipam.BuiltInIpams.GlobalDefaultSpace + "/";

    /// <summary>The keys of the network's gateways and auxiliary addresses in its global pools.</summary>
    public static IEnumerable<string> Of(Network network)
    {
        foreach (var pool in network.IPv4Pools.Concat(network.IPv6Pools).Where(p => IsGlobal(p.PoolId)))
        {
            if (pool.Gateway is { } gateway)
            {
                yield return KeyOf(pool.Pool, gateway.Address);
            }

            foreach (var aux in pool.AuxAddresses.Values)
            {
                yield return KeyOf(pool.Pool, aux);
            }
        }
    }

    /// <summary>The keys of the endpoint's addresses taken in global pools.</summary>
    public static IEnumerable<string> Of(Endpoint endpoint)
    {
        if (endpoint.Address is { } v4 && IsGlobal(endpoint.PoolId))
        {
            yield return KeyOf(v4, v4.Address);
        }

        if (endpoint.AddressIPv6 is { } v6 && IsGlobal(endpoint.PoolIdIPv6))
        {
            yield return KeyOf(v6, v6.Address);
        }
    }

    private static string KeyOf(IpPrefix master, System.Net.IPAddress address) => ClusterIpam.AddressesOf(master) + address;

    private static bool IsGlobal(string? poolId) => poolId is not null && poolId.StartsWith(GlobalPrefix, StringComparison.Ordinal);
}
