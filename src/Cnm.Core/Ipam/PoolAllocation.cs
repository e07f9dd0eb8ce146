using Cnm.Core.Net;

namespace Cnm.Core.Ipam;

/// <summary>A reserved pool.</summary>
/// <param name="PoolId">The driver's identifier of the pool, used in later requests.</param>
/// <param name="Pool">The pool. Host bits are kept as the driver wrote them.</param>
/// <param name="Data">Driver data; <see cref="IpamOptions.Gateway"/> here names the gateway.</param>
public sealed record PoolAllocation(string PoolId, IpPrefix Pool, IReadOnlyDictionary<string, string>? Data = null);
