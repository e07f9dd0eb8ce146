using System.Net;
using System.Net.Sockets;
using Cnm.Core.Errors;
using Cnm.Core.Store;

namespace Cnm.Core.Cluster;

/// <summary>
/// Address allocation shared by every node (spec/cluster-membership.md, "Address claims"): one claim key per address
/// of a pool, created by compare-and-set inside the caller's intent. Two nodes never hold the same address: etcd
/// accepts only one of two creates of a key. A node that loses the race re-reads the pool and tries again; every
/// such retry is counted in <see cref="ConflictRetries"/>.
/// </summary>
public sealed class GlobalAddressClaims(IKeyValueStore store, GlobalIntentJournal journal)
{
    private long _conflictRetries;
    private long _claims;

    /// <summary>Claims that lost a compare-and-set race and were tried again (a metric).</summary>
    public long ConflictRetries => Interlocked.Read(ref _conflictRetries);

    /// <summary>Addresses claimed.</summary>
    public long Claims => Interlocked.Read(ref _claims);

    /// <summary>
    /// Claims the lowest free host address of <paramref name="pool"/> (IPv4; not the network or broadcast address)
    /// for <paramref name="intent"/>, and returns it. A full pool is a Forbidden error naming it.
    /// </summary>
    public async Task<IPAddress> ClaimNextAsync(GlobalIntentHandle intent, string poolId, IPNetwork pool, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(intent);
        ArgumentException.ThrowIfNullOrEmpty(poolId);
        if (pool.BaseAddress.AddressFamily != AddressFamily.InterNetwork || pool.PrefixLength > 30)
        {
            throw CnmException.InvalidParameter($"pool {pool} is not an IPv4 pool with room for host addresses (at most /30)");
        }

        while (true)
        {
            var taken = (await store.ListAsync(ClusterKeys.AddressesOf(poolId), cancellationToken).ConfigureAwait(false))
                .Entries.Select(e => e.Key[ClusterKeys.AddressesOf(poolId).Length..]).ToHashSet(StringComparer.Ordinal);
            var candidate = FirstFree(pool, taken)
                ?? throw CnmException.Forbidden($"pool {poolId} ({pool}) has no free address left");
            try
            {
                await journal.ClaimAsync(intent, ClusterKeys.Address(poolId, candidate.ToString()), cancellationToken).ConfigureAwait(false);
                Interlocked.Increment(ref _claims);
                return candidate;
            }
            catch (StoreConflictException e) when (e.Key == ClusterKeys.Address(poolId, candidate.ToString()))
            {
                Interlocked.Increment(ref _conflictRetries);
            }
        }
    }

    private static IPAddress? FirstFree(IPNetwork pool, HashSet<string> taken)
    {
        Span<byte> bytes = stackalloc byte[4];
        pool.BaseAddress.TryWriteBytes(bytes, out _);
        var first = BitConverter.ToUInt32([bytes[3], bytes[2], bytes[1], bytes[0]]);
        var size = 1u << (32 - pool.PrefixLength);
        for (var offset = 1u; offset < size - 1; offset++)
        {
            var value = first + offset;
            var address = new IPAddress([(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value]);
            if (!taken.Contains(address.ToString()))
            {
                return address;
            }
        }

        return null;
    }
}
