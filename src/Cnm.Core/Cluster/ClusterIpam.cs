using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Cnm.Core.Errors;
using Cnm.Core.Ipam;
using Cnm.Core.Ipam.Default;
using Cnm.Core.Net;
using Cnm.Core.Store;

namespace Cnm.Core.Cluster;

/// <summary>
/// The <c>default</c> IPAM of a node in a cluster (spec/cluster.md, "Compare-and-set and retries"): the <c>LocalDefault</c>
/// space is the node's own default IPAM; the <c>GlobalDefault</c> space lives in the cluster store, and every pool and
/// address in it is taken with a compare-and-set there, so two nodes never hold the same one. A lost race is retried,
/// a bounded number of times, and counted (<see cref="ClusterMetrics.RetriesName"/>). Requests of one node for one pool
/// are taken one at a time, so that its own requests do not race each other.
/// </summary>
public sealed partial class ClusterIpam : IIpamDriver, IIpamUsage, IDisposable
{
    /// <summary>The pools of the <c>GlobalDefault</c> space, one JSON document.</summary>
    public const string PoolsKey = "cnm/v1/ipam/GlobalDefault/pools";

    /// <summary>One key per address taken: <c>{AddressesPrefix}{pool with '/' as '_'}/{address}</c>, holding the node's name.</summary>
    public const string AddressesPrefix = "cnm/v1/ipam/GlobalDefault/addresses/";

    /// <summary>How often a lost race is tried again before the request fails as Unavailable.</summary>
    public const int MaxAttempts = 32;

    private const string GlobalPrefix = BuiltInIpams.GlobalDefaultSpace + "/";
    private readonly IIpamDriver _local;
    private readonly IKeyValueStore _store;
    private readonly string _node;
    private readonly DefaultIpamOptions _options;
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _poolGates = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _poolsGate = new(1, 1);

    /// <summary>Address keys this node took and no committed record holds yet, with the mod revision of the claim.</summary>
    private readonly ConcurrentDictionary<string, long> _claims = new(StringComparer.Ordinal);

    /// <summary>An IPAM whose global space is in <paramref name="store"/> (the caller owns it), written as node <paramref name="node"/>.</summary>
    public ClusterIpam(IKeyValueStore store, string node, DefaultIpamOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrEmpty(node);
        _store = store;
        _node = node;
        _options = options ?? new DefaultIpamOptions();
        _local = BuiltInIpams.CreateDefault(_options);
    }

    /// <summary>Releases the request gates.</summary>
    public void Dispose()
    {
        _poolsGate.Dispose();
        foreach (var gate in _poolGates.Values)
        {
            gate.Dispose();
        }
    }

    /// <inheritdoc />
    public Task<AddressSpaces> GetDefaultAddressSpacesAsync(CancellationToken cancellationToken) => _local.GetDefaultAddressSpacesAsync(cancellationToken);

    /// <summary>The local space's pools only: the global space is the cluster's, listed under <see cref="PoolsKey"/>.</summary>
    public IReadOnlyList<PoolUsage> Snapshot() => ((IIpamUsage)_local).Snapshot();

    /// <inheritdoc />
    public Task<PoolAllocation> RequestPoolAsync(PoolRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.AddressSpace == BuiltInIpams.GlobalDefaultSpace
            ? RequestGlobalPoolAsync(request, cancellationToken)
            : _local.RequestPoolAsync(request, cancellationToken);
    }

    /// <inheritdoc />
    public Task ReleasePoolAsync(string poolId, CancellationToken cancellationToken) =>
        IsGlobal(poolId) ? ReleaseGlobalPoolAsync(poolId, cancellationToken) : _local.ReleasePoolAsync(poolId, cancellationToken);

    /// <inheritdoc />
    public Task<AddressAllocation> RequestAddressAsync(AddressRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return IsGlobal(request.PoolId) ? RequestGlobalAddressAsync(request, cancellationToken) : _local.RequestAddressAsync(request, cancellationToken);
    }

    /// <inheritdoc />
    public Task ReleaseAddressAsync(string poolId, IPAddress address, CancellationToken cancellationToken) =>
        IsGlobal(poolId) ? ReleaseGlobalAddressAsync(poolId, address, cancellationToken) : _local.ReleaseAddressAsync(poolId, address, cancellationToken);

    /// <summary>The revision at which this node took address key <paramref name="key"/>, while no committed record holds it.</summary>
    internal bool TryGetClaim(string key, out long revision) => _claims.TryGetValue(key, out revision);

    /// <summary>A record that holds <paramref name="key"/> was committed: the claim is settled.</summary>
    internal void Settled(string key) => _claims.TryRemove(key, out _);

    /// <summary>The key prefix of the addresses taken in master pool <paramref name="pool"/>.</summary>
    public static string AddressesOf(IpPrefix pool) => AddressesPrefix + pool.Network.ToString().Replace('/', '_') + "/";

    private static bool IsGlobal(string? poolId) => poolId is not null && poolId.StartsWith(GlobalPrefix, StringComparison.Ordinal);

    private async Task<(List<ClusterPool> Pools, long Revision)> ReadPoolsAsync(CancellationToken cancellationToken)
    {
        var entry = await _store.GetAsync(PoolsKey, cancellationToken).ConfigureAwait(false);
        return entry is null
            ? ([], 0)
            : (JsonSerializer.Deserialize(entry.Value.Span, ClusterJsonContext.Default.ListClusterPool) ?? [], entry.ModRevision);
    }

    private Task<long> WritePoolsAsync(List<ClusterPool> pools, long revision, CancellationToken cancellationToken) =>
        _store.AtomicPutAsync(PoolsKey, JsonSerializer.SerializeToUtf8Bytes(pools, ClusterJsonContext.Default.ListClusterPool),
            revision == 0 ? StoreCondition.NotExists : StoreCondition.ModRevisionIs(revision), cancellationToken);

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
