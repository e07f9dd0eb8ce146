using Cnm.Core.Net;

namespace Cnm.Core.Ipam;

/// <summary>One pool id held by an IPAM and how many of its addresses are taken.</summary>
/// <param name="PoolId">The id returned by <see cref="IIpamDriver.RequestPoolAsync"/>.</param>
/// <param name="AddressSpace">The address space the pool lives in.</param>
/// <param name="Pool">The master pool (masked network).</param>
/// <param name="SubPool">The sub-pool as requested, or null for a master pool id.</param>
/// <param name="Total">
/// Addresses the id can hand out without a preferred address: the master pool less its reserved
/// network (and IPv4 broadcast) address, or the sub-pool's range inside it.
/// </param>
/// <param name="Used">Addresses of that range currently allocated (through any id sharing the master pool).</param>
/// <param name="References">
/// How many holders keep the id alive: for a master pool, one for a direct request plus one per
/// sub-pool; for a sub-pool, one.
/// </param>
public sealed record PoolUsage(
    string PoolId,
    string AddressSpace,
    IpPrefix Pool,
    IpPrefix? SubPool,
    ulong Total,
    ulong Used,
    int References)
{
    /// <summary>Addresses of the range still free.</summary>
    public ulong Free => Total - Used;
}
