using Cnm.Core.Errors;

namespace Cnm.Core.Ipam;

/// <summary>
/// The IPAM error catalogue (docs/reference-host.md §5.8), with Cnm's categories. Texts match the reference so
/// that users and tests recognise them; details (pool, address) are appended after a colon.
/// </summary>
public static class IpamErrors
{
    /// <summary>Empty or unknown address space.</summary>
    public static CnmException InvalidAddressSpace(string detail) => CnmException.InvalidParameter($"Invalid Address Space: {detail}");

    /// <summary>A pool that cannot be used.</summary>
    public static CnmException InvalidPool(string detail) => CnmException.InvalidParameter($"Invalid Address Pool: {detail}");

    /// <summary>A sub-pool that cannot be used.</summary>
    public static CnmException InvalidSubPool(string detail) => CnmException.InvalidParameter($"Invalid Address SubPool: {detail}");

    /// <summary>A pool id this IPAM does not hold.</summary>
    public static CnmException PoolNotFound(string poolId) => CnmException.NotFound($"Address Pool not found: {poolId}");

    /// <summary>A requested pool overlaps one already reserved.</summary>
    public static CnmException PoolOverlap(string detail) => CnmException.Conflict($"Pool overlaps with other one on this address space: {detail}");

    /// <summary>No predefined pool is left.</summary>
    public static CnmException NoAvailablePool(string detail) => CnmException.Unavailable($"No available pool: {detail}");

    /// <summary>The pool is full.</summary>
    public static CnmException NoAvailableIps(string poolId) => CnmException.Unavailable($"No available addresses on this pool: {poolId}");

    /// <summary>The requested address is taken.</summary>
    public static CnmException IpAlreadyAllocated(string address) => CnmException.Conflict($"Address already in use: {address}");

    /// <summary>The requested address is outside the pool.</summary>
    public static CnmException IpOutOfRange(string detail) => CnmException.InvalidParameter($"Requested address is out of range: {detail}");
}
