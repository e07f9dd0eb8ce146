using Cnm.Core.Net;

namespace Cnm.Core.Drivers;

/// <summary>One allocated pool of a network, as given to the driver.</summary>
/// <param name="AddressSpace">The IPAM address space.</param>
/// <param name="Pool">The pool.</param>
/// <param name="Gateway">The gateway with the pool's prefix length, if any.</param>
/// <param name="AuxAddresses">Reserved auxiliary addresses by name, with the pool's prefix length.</param>
public sealed record IpamPoolData(string AddressSpace, IpPrefix Pool, IpPrefix? Gateway,
    IReadOnlyDictionary<string, IpPrefix>? AuxAddresses);
