using Cnm.Core.Errors;
using Cnm.Core.Net;

namespace Cnm.Core.Ipam.Default;

internal sealed partial class DefaultIpam
{
    /// <inheritdoc />
    public Task<PoolAllocation> RequestPoolAsync(PoolRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Answer(() => RequestPool(request), cancellationToken);
    }

    /// <inheritdoc />
    public Task ReleasePoolAsync(string poolId, CancellationToken cancellationToken) => Answer(() => ReleasePool(poolId), cancellationToken);

    private PoolAllocation RequestPool(PoolRequest request)
    {
        // Validation order as the reference's parsePoolRequest (docs/reference-host.md §5.4).
        if (string.IsNullOrEmpty(request.AddressSpace))
        {
            throw IpamErrors.InvalidAddressSpace("the address space must not be empty");
        }

        if (request.SubPool is { } orphan && request.Pool is null)
        {
            throw IpamErrors.InvalidSubPool($"sub-pool {orphan} needs a pool to lie in");
        }

        if (request.Pool is { } outer && request.SubPool is { } inner
            && (inner.IsV6 != outer.IsV6 || inner.PrefixLength < outer.PrefixLength || !outer.Contains(inner.Address)))
        {
            // The reference accepts any sub-pool and silently reuses its host bits (docs/reference-host.md §10,
            // item 34); Cnm refuses one that is not inside the pool.
            throw IpamErrors.InvalidSubPool($"{inner} is not inside pool {outer.Network}");
        }

        var space = FindSpace(request.AddressSpace);
        if (space is null)
        {
            throw request.Pool is null
                ? CnmException.NotImplemented(
                    $"no default pool available for non-default address spaces: {request.AddressSpace} (the default IPAM has {BuiltInIpams.LocalDefaultSpace} and {BuiltInIpams.GlobalDefaultSpace})")
                : IpamErrors.InvalidAddressSpace(
                    $"cannot find address space {request.AddressSpace}; the default IPAM has {BuiltInIpams.LocalDefaultSpace} and {BuiltInIpams.GlobalDefaultSpace}");
        }

        lock (space.Gate)
        {
            if (request.Pool is not { } pool)
            {
                return RequestPredefinedPool(space, request.V6);
            }

            return request.SubPool is { } subPool
                ? RequestSubPool(space, pool.Network, subPool)
                : RequestMasterPool(space, pool.Network);
        }
    }

    private static PoolAllocation RequestPredefinedPool(AddressSpace space, bool v6)
    {
        var network = space.Predefined.FindFree(v6, space.Masters(v6))
            ?? throw CnmException.NotFound(
                $"could not find an available, non-overlapping IPv{(v6 ? 6 : 4)} address pool among the defaults to assign to the network");
        var master = space.AddMaster(new MasterPool(MasterId(space, network), network));
        master.HeldDirectly = true;
        return new PoolAllocation(master.Id, network);
    }

    private static PoolAllocation RequestMasterPool(AddressSpace space, IpPrefix network)
    {
        var (start, end) = MasterPool.RangeOf(network);
        if (space.Masters(network.IsV6).FindOverlap(start, end) is { } other)
        {
            throw IpamErrors.PoolOverlap(other.Network == network
                ? $"{network} is already reserved in {space.Name} (pool id {other.Id})"
                : $"{network} overlaps pool {other.Id}");
        }

        var master = space.AddMaster(new MasterPool(MasterId(space, network), network));
        master.HeldDirectly = true;
        return new PoolAllocation(master.Id, network);
    }

    private static PoolAllocation RequestSubPool(AddressSpace space, IpPrefix network, IpPrefix subPool)
    {
        var id = $"{MasterId(space, network)}/{subPool}";
        if (space.Pools.ContainsKey(id))
        {
            throw IpamErrors.PoolOverlap($"sub-pool {subPool} of {network} is already reserved (pool id {id})");
        }

        MasterPool master;
        var created = false;
        if (space.Pools.TryGetValue(MasterId(space, network), out var parent))
        {
            master = parent.Master;
        }
        else
        {
            // The reference creates the implicit parent without an overlap check, so two bitmaps could
            // hand out the same address; Cnm keeps master pools disjoint whoever creates them.
            var (start, end) = MasterPool.RangeOf(network);
            if (space.Masters(network.IsV6).FindOverlap(start, end) is { } other)
            {
                throw IpamErrors.PoolOverlap($"{network}, the parent of sub-pool {subPool}, overlaps pool {other.Id}");
            }

            master = new MasterPool(MasterId(space, network), network);
            created = true;
        }

        var handle = SubPoolHandle(id, master, subPool);
        if (created)
        {
            space.AddMaster(master);
        }

        master.SubPools++;
        space.Pools.Add(id, handle);
        return new PoolAllocation(id, network);
    }

    /// <summary>
    /// The sub-pool's ordinals inside the master, less the master's reserved ones; the sub-pool's own
    /// network and broadcast addresses are ordinary (docs/reference-host.md §5.5).
    /// </summary>
    private static PoolHandle SubPoolHandle(string id, MasterPool master, IpPrefix subPool)
    {
        var (subStart, subEnd) = MasterPool.RangeOf(subPool);
        var lo = subStart - master.Start;
        var hi = subEnd - master.Start;
        if (master.Bitmap is null || lo > master.Last)
        {
            if (master.IsV6 && lo >= master.OrdinalCount)
            {
                throw IpamErrors.InvalidSubPool(
                    $"{subPool} lies beyond the first 2^64-1 addresses of {master.Network}, the most one pool allocates from");
            }

            return new PoolHandle(id, master, subPool, 0, 0, isEmpty: true);
        }

        if (hi < master.First)
        {
            return new PoolHandle(id, master, subPool, 0, 0, isEmpty: true);
        }

        return new PoolHandle(
            id, master, subPool, Math.Max((ulong)lo, master.First), (ulong)UInt128.Min(hi, master.Last), isEmpty: false);
    }

    private void ReleasePool(string poolId)
    {
        var space = SpaceOfPoolId(poolId);
        lock (space.Gate)
        {
            var handle = FindPool(space, poolId);
            var master = handle.Master;
            if (handle.SubPool is null)
            {
                // The reference only counts references, so releasing a master twice while sub-pools
                // hold it destroys their bitmap. Cnm tracks the direct holder apart from the sub-pools.
                if (!master.HeldDirectly)
                {
                    throw CnmException.NotFound(
                        $"Address Pool not found: {poolId} is not held by a pool request; it remains only as the parent of {master.SubPools} sub-pool(s)");
                }

                master.HeldDirectly = false;
            }
            else
            {
                space.Pools.Remove(poolId);
                master.SubPools--;
            }

            if (master.References == 0)
            {
                space.RemoveMaster(master);
            }
        }
    }

    private static string MasterId(AddressSpace space, IpPrefix network) => $"{space.Name}/{network}";
}
