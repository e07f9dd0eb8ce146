using Cnm.Core.Errors;
using Cnm.Core.Ipam;
using Cnm.Core.Ipam.Default;
using Cnm.Core.Net;
using Cnm.Core.Store;

namespace Cnm.Core.Cluster;

public sealed partial class ClusterIpam
{
    private async Task<PoolAllocation> RequestGlobalPoolAsync(PoolRequest request, CancellationToken cancellationToken)
    {
        if (request.SubPool is { } orphan && request.Pool is null)
        {
            throw IpamErrors.InvalidSubPool($"sub-pool {orphan} needs a pool to lie in");
        }

        if (request.Pool is { } outer && request.SubPool is { } inner
            && (inner.IsV6 != outer.IsV6 || inner.PrefixLength < outer.PrefixLength || !outer.Contains(inner.Address)))
        {
            throw IpamErrors.InvalidSubPool($"{inner} is not inside pool {outer.Network}");
        }

        await _poolsGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var (pools, revision) = await ReadPoolsAsync(cancellationToken).ConfigureAwait(false);
                var chosen = Choose(pools, request);
                try
                {
                    await WritePoolsAsync([.. pools, chosen], revision, cancellationToken).ConfigureAwait(false);
                    ClusterMetrics.Allocated("pool");
                    return new PoolAllocation(chosen.Id, IpPrefix.Parse(chosen.Pool));
                }
                catch (StoreConflictException) when (attempt < MaxAttempts)
                {
                    ClusterMetrics.Retried("pool");
                }
                catch (StoreConflictException ex)
                {
                    throw CnmException.Unavailable($"no pool reserved in the cluster's {BuiltInIpams.GlobalDefaultSpace} space: {MaxAttempts} attempts lost the race to other nodes ({ex.Message})");
                }
            }
        }
        finally
        {
            _poolsGate.Release();
        }
    }

    /// <summary>The pool to add for <paramref name="request"/>, or the reason there is none (overlap, none free).</summary>
    private ClusterPool Choose(List<ClusterPool> pools, PoolRequest request)
    {
        var held = pools.Select(p => (Entry: p, Pool: IpPrefix.Parse(p.Pool))).ToList();
        if (request.Pool is not { } wanted)
        {
            var masters = new MasterPoolList();
            foreach (var network in held.Select(h => h.Pool).Distinct())
            {
                masters.Add(new MasterPool(GlobalPrefix + network, network));
            }

            var free = PredefinedPools.Create(_options.GlobalPools, $"{nameof(DefaultIpamOptions)}.{nameof(DefaultIpamOptions.GlobalPools)}")
                .FindFree(request.V6, masters) ?? throw CnmException.NotFound(
                    $"could not find an available, non-overlapping IPv{(request.V6 ? 6 : 4)} address pool among the defaults to assign to the network in the cluster");
            return new ClusterPool(GlobalPrefix + free, free.ToString(), null, _node);
        }

        var master = wanted.Network;
        var id = request.SubPool is { } sub ? $"{GlobalPrefix}{master}/{sub}" : GlobalPrefix + master;
        foreach (var (entry, pool) in held)
        {
            if (!pool.Overlaps(master))
            {
                continue;
            }

            var shared = pool == master && request.SubPool is not null && entry.SubPool is not null;
            if (!shared || entry.Id == id)
            {
                throw IpamErrors.PoolOverlap(pool == master && entry.Id == id
                    ? $"{master} is already reserved in the cluster's {BuiltInIpams.GlobalDefaultSpace} space (pool id {entry.Id}, by node {entry.Node})"
                    : $"{master} overlaps pool {entry.Id} of the cluster (reserved by node {entry.Node})");
            }
        }

        return new ClusterPool(id, master.ToString(), request.SubPool?.ToString(), _node);
    }

    private async Task ReleaseGlobalPoolAsync(string poolId, CancellationToken cancellationToken)
    {
        await _poolsGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var (pools, revision) = await ReadPoolsAsync(cancellationToken).ConfigureAwait(false);
                var entry = pools.FirstOrDefault(p => p.Id == poolId) ?? throw IpamErrors.PoolNotFound(poolId);
                var rest = pools.Where(p => p.Id != poolId).ToList();
                try
                {
                    await WritePoolsAsync(rest, revision, cancellationToken).ConfigureAwait(false);
                }
                catch (StoreConflictException) when (attempt < MaxAttempts)
                {
                    ClusterMetrics.Retried("pool");
                    continue;
                }

                if (!rest.Any(p => p.Pool == entry.Pool))
                {
                    await DeleteAddressesAsync(IpPrefix.Parse(entry.Pool), cancellationToken).ConfigureAwait(false);
                }

                return;
            }
        }
        finally
        {
            _poolsGate.Release();
        }
    }

    /// <summary>Removes what is left of a released master pool's addresses (its gateway, say), in transactions etcd accepts.</summary>
    private async Task DeleteAddressesAsync(IpPrefix pool, CancellationToken cancellationToken)
    {
        var left = await _store.ListAsync(AddressesOf(pool), cancellationToken).ConfigureAwait(false);
        foreach (var chunk in left.Entries.Chunk(64))
        {
            var transaction = new StoreTransaction();
            foreach (var entry in chunk)
            {
                transaction.Delete(entry.Key);
            }

            await _store.CommitAsync(transaction, cancellationToken).ConfigureAwait(false);
        }
    }
}
