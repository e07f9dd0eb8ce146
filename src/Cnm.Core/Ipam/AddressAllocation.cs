using Cnm.Core.Net;

namespace Cnm.Core.Ipam;

/// <summary>A reserved address.</summary>
/// <param name="Address">
/// The address with the pool's prefix length, e.g. <c>172.18.0.2/16</c>; null when the driver hands out
/// no address (the null IPAM).
/// </param>
/// <param name="Data">Driver data.</param>
public sealed record AddressAllocation(IpPrefix? Address, IReadOnlyDictionary<string, string>? Data = null);
