using Cnm.Core.Net;

namespace Cnm.Core.Ipam;

/// <summary>A pool request.</summary>
/// <param name="AddressSpace">The address space; must not be empty.</param>
/// <param name="Pool">The pool wanted, or null for any free predefined pool.</param>
/// <param name="SubPool">A range inside <paramref name="Pool"/> to allocate from (needs a pool).</param>
/// <param name="Options">Driver options (the network's IPAM options).</param>
/// <param name="V6">Ask for an IPv6 pool (only matters when <paramref name="Pool"/> is null).</param>
public sealed record PoolRequest(
    string AddressSpace,
    IpPrefix? Pool = null,
    IpPrefix? SubPool = null,
    IReadOnlyDictionary<string, string>? Options = null,
    bool V6 = false);
