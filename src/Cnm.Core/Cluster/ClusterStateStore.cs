using System.Text;
using Cnm.Core.Drivers;
using Cnm.Core.Errors;
using Cnm.Core.Persistence;
using Cnm.Core.Store;

namespace Cnm.Core.Cluster;

/// <summary>
/// The controller's store on a node of a cluster (spec/cluster.md, "What is stored where"): records of global-scope
/// networks and of their endpoints go to the cluster store, everything else (local networks, sandboxes, intents, pending
/// calls) to the node's own store. A network record is routed by the scope it holds, an endpoint record by its network's.
/// A transaction that touches both stores is split: the cluster part commits first, so a cluster outage changes nothing
/// on the node. Creating a global network also claims its name in the cluster, so two nodes cannot both create one.
/// Watches and list revisions are the local store's; the cluster's changes reach the controller through
/// <see cref="ClusterSync"/>.
/// </summary>
public sealed partial class ClusterStateStore : IKeyValueStore
{
    /// <summary>Names of global networks, claimed in the cluster store: <c>cnm/v1/names/{name}</c> holds the network id.</summary>
    public const string NamesPrefix = StateKeys.Root + "names/";

    private readonly IKeyValueStore _local;
    private readonly IKeyValueStore _cluster;
    private readonly Lock _gate = new();
    private readonly HashSet<string> _globalNetworks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _networkNames = new(StringComparer.Ordinal);
    private readonly HashSet<string> _clusterKeys = new(StringComparer.Ordinal);

    /// <summary>Keys this node deleted from the cluster, with the revision of the delete, until the watch has passed it.</summary>
    private readonly Dictionary<string, long> _deleted = new(StringComparer.Ordinal);

    /// <summary>Routes between <paramref name="local"/> and <paramref name="cluster"/>; the caller owns both.</summary>
    public ClusterStateStore(IKeyValueStore local, IKeyValueStore cluster)
    {
        ArgumentNullException.ThrowIfNull(local);
        ArgumentNullException.ThrowIfNull(cluster);
        _local = local;
        _cluster = cluster;
    }

    /// <summary>The node's own store.</summary>
    public IKeyValueStore Local => _local;

    /// <summary>The cluster store.</summary>
    public IKeyValueStore Cluster => _cluster;

    /// <inheritdoc />
    public Task<KeyValueEntry?> GetAsync(string key, CancellationToken cancellationToken) =>
        (IsClusterKey(key) ? _cluster : _local).GetAsync(key, cancellationToken);

    /// <summary>
    /// The local entries, and the cluster's network and endpoint records under <paramref name="prefix"/>, by key, at the local
    /// revision. An endpoint of another node (its sandbox is not here) is listed unjoined: its sandbox lives on that node.
    /// </summary>
    public async Task<KeyValueList> ListAsync(string prefix, CancellationToken cancellationToken)
    {
        var local = await _local.ListAsync(prefix, cancellationToken).ConfigureAwait(false);
        var remote = await _cluster.ListAsync(prefix, cancellationToken).ConfigureAwait(false);
        var sandboxes = (await _local.ListAsync(StateKeys.Sandboxes, cancellationToken).ConfigureAwait(false)).Entries
            .Select(e => e.Key[StateKeys.Sandboxes.Length..]).ToHashSet(StringComparer.Ordinal);
        var merged = new List<KeyValueEntry>(local.Entries);
        foreach (var entry in remote.Entries)
        {
            if (entry.Key.StartsWith(StateKeys.Networks, StringComparison.Ordinal))
            {
                Observe(new WatchEvent(WatchEventType.Put, entry));
                merged.Add(entry);
            }
            else if (entry.Key.StartsWith(StateKeys.Endpoints, StringComparison.Ordinal))
            {
                Observe(new WatchEvent(WatchEventType.Put, entry));
                merged.Add(AsSeenHere(entry, sandboxes));
            }
        }

        merged.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        return new KeyValueList(merged, local.Revision);
    }

    /// <inheritdoc />
    public Task<long> AtomicPutAsync(string key, ReadOnlyMemory<byte> value, StoreCondition condition, CancellationToken cancellationToken) =>
        CommitAsync(new StoreTransaction().If(key, condition).Put(key, value), cancellationToken);

    /// <inheritdoc />
    public Task<long> AtomicDeleteAsync(string key, StoreCondition condition, CancellationToken cancellationToken) =>
        (IsClusterKey(key) ? _cluster : _local).AtomicDeleteAsync(key, condition, cancellationToken);

    /// <summary>Splits <paramref name="transaction"/> by store and commits the cluster part first; returns the local revision.</summary>
    public async Task<long> CommitAsync(StoreTransaction transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var (cluster, local, changes, claimedName) = Split(transaction);
        if (cluster.Operations.Count + cluster.Compares.Count > 0)
        {
            var fenced = FenceClaims(cluster, changes);
            long revision;
            try
            {
                revision = await _cluster.CommitAsync(cluster, cancellationToken).ConfigureAwait(false);
            }
            catch (StoreConflictException ex) when (claimedName is not null && ex.Key == NamesPrefix + claimedName)
            {
                throw CnmException.Conflict($"network with name {claimedName} already exists in the cluster (created on another node)");
            }
            catch (StoreConflictException ex) when (ex.Key is { } key && fenced.Contains(key))
            {
                throw CnmException.Conflict($"address {key[(key.LastIndexOf('/') + 1)..]} was released by a sweep while this node was seen gone from the cluster; try again");
            }

            foreach (var key in fenced)
            {
                Claims!.Settled(key);
            }

            changes.ForEach(Observe);
            lock (_gate)
            {
                foreach (var change in changes.Where(c => c.Type == WatchEventType.Delete))
                {
                    _deleted[change.Key] = revision;
                }
            }
        }

        return await _local.CommitAsync(local, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Local changes only; the cluster's are read by <see cref="ClusterSync"/>.</summary>
    public IAsyncEnumerable<WatchEvent> WatchAsync(string prefix, long afterRevision, CancellationToken cancellationToken) =>
        _local.WatchAsync(prefix, afterRevision, cancellationToken);

    /// <summary>Takes note of a change of the cluster store (from a list or a watch), so that later writes of the key go there.</summary>
    public void Observe(WatchEvent change)
    {
        ArgumentNullException.ThrowIfNull(change);
        lock (_gate)
        {
            var key = change.Key;
            if (change.Type == WatchEventType.Delete)
            {
                _clusterKeys.Remove(key);
                if (key.StartsWith(StateKeys.Networks, StringComparison.Ordinal))
                {
                    _globalNetworks.Remove(key[StateKeys.Networks.Length..]);
                    _networkNames.Remove(key[StateKeys.Networks.Length..]);
                }

                return;
            }

            if (key.StartsWith(StateKeys.Networks, StringComparison.Ordinal))
            {
                var network = StoredObjects.DecodeNetwork(change.Entry);
                _globalNetworks.Add(network.Id);
                _networkNames[network.Id] = network.Name;
                _clusterKeys.Add(key);
            }
            else if (key.StartsWith(StateKeys.Endpoints, StringComparison.Ordinal))
            {
                _clusterKeys.Add(key);
            }
        }
    }

    /// <summary>
    /// True when <paramref name="change"/> is older than a delete of the same key this node made: a watch that lags behind
    /// this node's own writes must not bring back what it deleted. A delete event at or past that revision clears the note.
    /// </summary>
    public bool IsStale(WatchEvent change)
    {
        ArgumentNullException.ThrowIfNull(change);
        lock (_gate)
        {
            if (!_deleted.TryGetValue(change.Key, out var deletedAt))
            {
                return false;
            }

            if (change.Revision >= deletedAt)
            {
                _deleted.Remove(change.Key);
                return false;
            }

            return change.Type == WatchEventType.Put;
        }
    }

    /// <summary>The store is the caller's; nothing to release here.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private bool IsClusterKey(string key)
    {
        lock (_gate)
        {
            return _clusterKeys.Contains(key);
        }
    }

    private (StoreTransaction Cluster, StoreTransaction Local, List<WatchEvent> Changes, string? ClaimedName) Split(StoreTransaction transaction)
    {
        var cluster = new StoreTransaction();
        var local = new StoreTransaction();
        var changes = new List<WatchEvent>();
        string? claimed = null;
        lock (_gate)
        {
            var newGlobal = new HashSet<string>(StringComparer.Ordinal);
            foreach (var op in transaction.Operations)
            {
                if (!op.IsDelete && op.Key.StartsWith(StateKeys.Networks, StringComparison.Ordinal))
                {
                    var network = StoredObjects.DecodeNetwork(new KeyValueEntry(op.Key, op.Value, 0, 0, 0));
                    if (network.Scope == DriverScope.Global)
                    {
                        newGlobal.Add(network.Id);
                        if (!_clusterKeys.Contains(op.Key))
                        {
                            claimed = network.Name;
                            cluster.If(NamesPrefix + network.Name, StoreCondition.NotExists).Put(NamesPrefix + network.Name, Encoding.UTF8.GetBytes(network.Id));
                        }
                    }
                }
            }

            foreach (var compare in transaction.Compares)
            {
                _ = _clusterKeys.Contains(compare.Key) ? cluster.If(compare.Key, compare.Condition) : local.If(compare.Key, compare.Condition);
            }

            foreach (var op in transaction.Operations)
            {
                var toCluster = _clusterKeys.Contains(op.Key) || (!op.IsDelete && IsNewGlobalRecord(op, newGlobal));
                var target = toCluster ? cluster : local;
                _ = op.IsDelete ? target.Delete(op.Key) : target.Put(op.Key, op.Value);
                if (!toCluster)
                {
                    continue;
                }

                changes.Add(new WatchEvent(op.IsDelete ? WatchEventType.Delete : WatchEventType.Put, new KeyValueEntry(op.Key, op.Value, 0, 0, 0)));
                if (op.IsDelete && op.Key.StartsWith(StateKeys.Networks, StringComparison.Ordinal)
                    && _networkNames.TryGetValue(op.Key[StateKeys.Networks.Length..], out var name))
                {
                    cluster.Delete(NamesPrefix + name);
                }
            }
        }

        return (cluster, local, changes, claimed);
    }

    private bool IsNewGlobalRecord(StoreOperation op, HashSet<string> newGlobal)
    {
        if (op.Key.StartsWith(StateKeys.Networks, StringComparison.Ordinal))
        {
            return newGlobal.Contains(op.Key[StateKeys.Networks.Length..]);
        }

        if (op.Key.StartsWith(StateKeys.Endpoints, StringComparison.Ordinal))
        {
            var endpoint = StoredObjects.DecodeEndpoint(new KeyValueEntry(op.Key, op.Value, 0, 0, 0));
            return _globalNetworks.Contains(endpoint.NetworkId) || newGlobal.Contains(endpoint.NetworkId);
        }

        return false;
    }

    private static KeyValueEntry AsSeenHere(KeyValueEntry entry, HashSet<string> localSandboxes)
    {
        var endpoint = StoredObjects.DecodeEndpoint(entry);
        return endpoint.SandboxId is { } sandbox && !localSandboxes.Contains(sandbox)
            ? entry with { Value = StateMapping.Serialize(endpoint with { SandboxId = null, Join = null }) }
            : entry;
    }
}
