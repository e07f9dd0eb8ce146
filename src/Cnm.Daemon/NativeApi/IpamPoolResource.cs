namespace Cnm.Daemon.NativeApi;

/// <summary>
/// One pool a network holds: which IPAM driver gave it, where, and (when the IPAM can tell, as the built-in
/// <c>default</c> can) how full it is.
/// </summary>
internal sealed record IpamPoolResource(string Network, string NetworkId, string NetworkDriver, string Driver, string AddressSpace,
    string PoolId, string Family, string Pool, string? IpRange, string? Gateway, IpamUsageResource? Usage);
