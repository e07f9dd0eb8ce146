using System.Net;
using Cnm.Core.Model;
using Cnm.Core.Persistence;

namespace Cnm.Core.Control;

/// <summary>The IPAM releases that undo what a network or endpoint holds, in the order a delete makes them.</summary>
internal static class ReleaseCalls
{
    /// <summary>The releases of a pool: gateway, aux addresses, then the pool.</summary>
    public static IEnumerable<PendingCall> OfPool(string ipamDriver, NetworkPool pool)
    {
        // A gateway that came in the pool's data was never requested by us, so it is not released
        // (the reference releases it anyway: docs/reference-host.md §10, item 30).
        if (pool.Gateway is { } gateway && !pool.GatewayFromIpam)
        {
            yield return Address(ipamDriver, pool.PoolId, gateway.Address);
        }

        foreach (var address in pool.AuxAddresses.Values)
        {
            yield return Address(ipamDriver, pool.PoolId, address);
        }

        yield return new PendingCall { Method = PendingMethods.ReleasePool, Driver = ipamDriver, PoolId = pool.PoolId };
    }

    /// <summary>The releases of an endpoint's addresses: IPv4, then IPv6.</summary>
    public static List<PendingCall> OfEndpoint(string ipamDriver, Endpoint endpoint)
    {
        var releases = new List<PendingCall>();
        if (endpoint is { PoolId: { } pool4, Address: { } v4 })
        {
            releases.Add(Address(ipamDriver, pool4, v4.Address));
        }

        if (endpoint is { PoolIdIPv6: { } pool6, AddressIPv6: { } v6 })
        {
            releases.Add(Address(ipamDriver, pool6, v6.Address));
        }

        return releases;
    }

    public static PendingCall Address(string ipamDriver, string poolId, IPAddress address) =>
        new() { Method = PendingMethods.ReleaseAddress, Driver = ipamDriver, PoolId = poolId, Address = address.ToString() };
}
