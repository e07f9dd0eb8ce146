using System.Net;
using Cnm.Core.Errors;
using Cnm.Core.Ipam;
using Cnm.Core.Net;
using Cnm.Core.Store;

namespace Cnm.Core.Cluster;

public sealed partial class ClusterIpam
{
    private async Task<AddressAllocation> RequestGlobalAddressAsync(AddressRequest request, CancellationToken cancellationToken)
    {
        var (pools, _) = await ReadPoolsAsync(cancellationToken).ConfigureAwait(false);
        var entry = pools.FirstOrDefault(p => p.Id == request.PoolId) ?? throw IpamErrors.PoolNotFound(request.PoolId);
        var master = IpPrefix.Parse(entry.Pool);
        var prefix = AddressesOf(master);
        if (request.Address is { } wanted)
        {
            _ = CheckedOffset(master, wanted, request.PoolId, release: false);
            try
            {
                _claims[prefix + wanted] = await _store.AtomicPutAsync(prefix + wanted, Utf8(_node), StoreCondition.NotExists, cancellationToken).ConfigureAwait(false);
            }
            catch (StoreConflictException)
            {
                throw IpamErrors.IpAlreadyAllocated($"{wanted} in pool {request.PoolId} (taken in the cluster)");
            }

            ClusterMetrics.Allocated("address");
            return new AddressAllocation(new IpPrefix(wanted, master.PrefixLength));
        }

        var (lo, hi) = RangeOf(master, entry.SubPool is null ? null : IpPrefix.Parse(entry.SubPool));
        var gate = _poolGates.GetOrAdd(entry.Pool, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var taken = await _store.ListAsync(prefix, cancellationToken).ConfigureAwait(false);
                var used = new HashSet<UInt128>(taken.Entries.Count);
                foreach (var key in taken.Entries.Select(e => e.Key[prefix.Length..]))
                {
                    if (IPAddress.TryParse(key, out var address) && master.Contains(address))
                    {
                        used.Add(master.OffsetOf(address));
                    }
                }

                var free = FirstFree(used, lo, hi) ?? throw IpamErrors.NoAvailableIps(request.PoolId);
                var chosen = master.AddressAt(free);
                try
                {
                    _claims[prefix + chosen] = await _store.AtomicPutAsync(prefix + chosen, Utf8(_node), StoreCondition.NotExists, cancellationToken).ConfigureAwait(false);
                    ClusterMetrics.Allocated("address");
                    return new AddressAllocation(new IpPrefix(chosen, master.PrefixLength));
                }
                catch (StoreConflictException) when (attempt < MaxAttempts)
                {
                    ClusterMetrics.Retried("address");
                }
                catch (StoreConflictException ex)
                {
                    throw CnmException.Unavailable($"no address taken in pool {request.PoolId}: {MaxAttempts} attempts lost the race to other nodes ({ex.Message})");
                }
            }
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task ReleaseGlobalAddressAsync(string poolId, IPAddress address, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        var (pools, _) = await ReadPoolsAsync(cancellationToken).ConfigureAwait(false);
        var entry = pools.FirstOrDefault(p => p.Id == poolId) ?? throw IpamErrors.PoolNotFound(poolId);
        var master = IpPrefix.Parse(entry.Pool);
        _ = CheckedOffset(master, address, poolId, release: true);
        _claims.TryRemove(AddressesOf(master) + address, out _);
        try
        {
            await _store.AtomicDeleteAsync(AddressesOf(master) + address, StoreCondition.Exists, cancellationToken).ConfigureAwait(false);
        }
        catch (CnmException ex) when (ex.Category is Protocol.ErrorCategory.NotFound or Protocol.ErrorCategory.Conflict)
        {
            throw CnmException.NotFound($"address {address} is not allocated in pool {poolId}");
        }
    }

    /// <summary>The ordinals handed out without a preferred address: the master less its network (and IPv4 broadcast) address, or the sub-pool's part of it.</summary>
    private static (UInt128 Lo, UInt128 Hi) RangeOf(IpPrefix master, IpPrefix? subPool)
    {
        var count = master.HostBits >= 127 ? UInt128.MaxValue : UInt128.One << master.HostBits;
        var (lo, hi) = (UInt128.One, master.IsV6 ? count - 1 : count - 2);
        if (subPool is { } sub)
        {
            var start = master.OffsetOf(sub.Network.Address);
            var size = sub.HostBits >= 127 ? UInt128.MaxValue : UInt128.One << sub.HostBits;
            (lo, hi) = (UInt128.Max(lo, start), UInt128.Min(hi, start + (size - 1)));
        }

        return (lo, hi);
    }

    private static UInt128? FirstFree(HashSet<UInt128> used, UInt128 lo, UInt128 hi)
    {
        for (var ordinal = lo; ordinal <= hi; ordinal++)
        {
            if (!used.Contains(ordinal))
            {
                return ordinal;
            }

            if (ordinal == UInt128.MaxValue)
            {
                break;
            }
        }

        return null;
    }

    private static UInt128 CheckedOffset(IpPrefix master, IPAddress address, string poolId, bool release)
    {
        if (!master.Contains(address))
        {
            throw IpamErrors.IpOutOfRange($"{address} is not in pool {master} ({poolId})");
        }

        var offset = master.OffsetOf(address);
        var count = master.HostBits >= 127 ? UInt128.MaxValue : UInt128.One << master.HostBits;
        if (offset == 0 || (!master.IsV6 && offset == count - 1))
        {
            var what = offset == 0 ? "network" : "broadcast";
            throw release
                ? CnmException.InvalidParameter($"{address} is the {what} address of pool {master} ({poolId}); it is reserved and cannot be released")
                : IpamErrors.IpAlreadyAllocated($"{address} is the {what} address of pool {master} ({poolId}), reserved");
        }

        return offset;
    }
}
