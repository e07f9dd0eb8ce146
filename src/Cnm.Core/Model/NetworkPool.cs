using System.Net;
using Cnm.Core.Net;

namespace Cnm.Core.Model;

/// <summary>One allocated pool of a network.</summary>
/// <param name="PoolId">The IPAM's pool id.</param>
/// <param name="Pool">The pool as the IPAM returned it.</param>
/// <param name="SubPool">The configured ip-range, if any.</param>
/// <param name="Gateway">The gateway with the pool's prefix length, if any.</param>
/// <param name="GatewayFromIpam">The gateway came in the pool's data: the host did not request it.</param>
/// <param name="AuxAddresses">Reserved auxiliary addresses by name.</param>
public sealed record NetworkPool(
    string PoolId,
    IpPrefix Pool,
    IpPrefix? SubPool,
    IpPrefix? Gateway,
    bool GatewayFromIpam,
    IReadOnlyDictionary<string, IPAddress> AuxAddresses);
