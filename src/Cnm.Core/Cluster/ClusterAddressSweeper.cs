using System.Text;
using Cnm.Core.Persistence;
using Cnm.Core.Store;
using Microsoft.Extensions.Logging;

namespace Cnm.Core.Cluster;

/// <summary>
/// Frees the <c>GlobalDefault</c> addresses a node took that no network or endpoint record holds (spec/cluster.md, "Addresses
/// of a dead node"): what a node killed between taking an address and committing its endpoint (or network) left behind.
/// Each such key is first fenced (rewritten on its mod revision), then the records are listed, then the key is deleted on
/// the fenced revision. A commit of the owner fenced on the address key's revision (<see cref="ClusterStateStore"/>)
/// therefore either lands before the fence, and the record is listed, or fails. Any number of nodes may sweep one node.
/// </summary>
public sealed class ClusterAddressSweeper
{
    private readonly IKeyValueStore _store;
    private readonly ILogger _logger;

    /// <summary>A sweeper over the cluster store <paramref name="store"/> (the caller owns it).</summary>
    public ClusterAddressSweeper(IKeyValueStore store, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(logger);
        _store = store;
        _logger = logger;
    }

    /// <summary>The nodes that hold address keys now.</summary>
    public async Task<IReadOnlySet<string>> HoldersAsync(CancellationToken cancellationToken)
    {
        var list = await _store.ListAsync(ClusterIpam.AddressesPrefix, cancellationToken).ConfigureAwait(false);
        return list.Entries.Select(e => Encoding.UTF8.GetString(e.Value.Span)).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>As <see cref="SweepAsync"/> for a node seen gone; a failure (etcd unreachable) is logged, not thrown.</summary>
    public async Task TrySweepAsync(string node, CancellationToken cancellationToken)
    {
        try
        {
            await SweepAsync(node, self: false, cancellationToken).ConfigureAwait(false);
        }
        catch (Errors.CnmException ex)
        {
            ClusterLog.AddressSweepFailed(_logger, node, ex);
        }
    }

    /// <summary>Frees the addresses of <paramref name="node"/> that no record holds; returns how many. Nothing while the node is a member, unless <paramref name="self"/>.</summary>
    public async Task<int> SweepAsync(string node, bool self, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(node);
        if (!self && await _store.GetAsync(ClusterKeys.Node(node), cancellationToken).ConfigureAwait(false) is not null)
        {
            return 0;
        }

        var value = Encoding.UTF8.GetBytes(node);
        var fenced = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var entry in (await _store.ListAsync(ClusterIpam.AddressesPrefix, cancellationToken).ConfigureAwait(false)).Entries)
        {
            if (!entry.Value.Span.SequenceEqual(value))
            {
                continue;
            }

            try
            {
                fenced[entry.Key] = await _store.AtomicPutAsync(entry.Key, value, StoreCondition.ModRevisionIs(entry.ModRevision), cancellationToken).ConfigureAwait(false);
            }
            catch (StoreConflictException)
            {
                // Released or rewritten meanwhile: no longer this sweep's to free.
            }
        }

        if (fenced.Count == 0)
        {
            return 0;
        }

        var held = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in (await _store.ListAsync(StateKeys.Networks, cancellationToken).ConfigureAwait(false)).Entries)
        {
            held.UnionWith(ClusterAddressRefs.Of(StoredObjects.DecodeNetwork(entry)));
        }

        foreach (var entry in (await _store.ListAsync(StateKeys.Endpoints, cancellationToken).ConfigureAwait(false)).Entries)
        {
            held.UnionWith(ClusterAddressRefs.Of(StoredObjects.DecodeEndpoint(entry)));
        }

        var released = 0;
        foreach (var (key, revision) in fenced.Where(f => !held.Contains(f.Key)))
        {
            try
            {
                await _store.AtomicDeleteAsync(key, StoreCondition.ModRevisionIs(revision), cancellationToken).ConfigureAwait(false);
                released++;
            }
            catch (StoreConflictException)
            {
                // Another sweep freed it (or it was released and taken again): not this one's.
            }
            catch (Errors.CnmException ex) when (ex.Category == Protocol.ErrorCategory.NotFound)
            {
                // Gone already.
            }
        }

        ClusterLog.AddressesSwept(_logger, node, released);
        return released;
    }
}
