using System.Net;
using System.Text;
using Cnm.Core.Cluster;
using Cnm.Core.Errors;
using Cnm.Core.Ipam;
using Cnm.Core.Net;
using Cnm.Core.Store;
using Cnm.Protocol;

namespace Cnm.Core.Tests.Cluster;

/// <summary>The cluster IPAM (spec/cluster.md, "Compare-and-set and retries"): two nodes on one store never share a pool or an address.</summary>
public sealed class ClusterIpamTests : IDisposable
{
    private readonly InMemoryKeyValueStore _store = new();
    private readonly ClusterIpam _a;
    private readonly ClusterIpam _b;

    public ClusterIpamTests()
    {
        _a = new ClusterIpam(_store, "a");
        _b = new ClusterIpam(_store, "b");
    }

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
    }

    private static PoolRequest Global(string? pool = null, string? sub = null) =>
        new(BuiltInIpams.GlobalDefaultSpace, pool is null ? null : IpPrefix.Parse(pool), sub is null ? null : IpPrefix.Parse(sub));

    [Fact]
    public async Task RequestAddress_200AtOnceFromTwoNodes_AllDistinctAndEachKeyInTheStore()
    {
        var pool = await _a.RequestPoolAsync(Global("10.1.0.0/24"), CancellationToken.None);
        var tasks = Enumerable.Range(0, 200).Select(i => (i % 2 == 0 ? _a : _b).RequestAddressAsync(new AddressRequest(pool.PoolId), CancellationToken.None));
        var addresses = (await Task.WhenAll(tasks)).Select(a => a.Address!.Value.Address.ToString()).ToList();

        Assert.Equal(200, addresses.Distinct().Count());
        Assert.DoesNotContain("10.1.0.0", addresses);
        Assert.DoesNotContain("10.1.0.255", addresses);
        var keys = (await _store.ListAsync(ClusterIpam.AddressesOf(IpPrefix.Parse("10.1.0.0/24")), CancellationToken.None)).Entries;
        Assert.Equal(addresses.Order(), keys.Select(k => k.Key[(k.Key.LastIndexOf('/') + 1)..]).Order());
        Assert.Equal(100, keys.Count(k => Encoding.UTF8.GetString(k.Value.Span) == "a"));
    }

    [Fact]
    public async Task RequestAddress_RaceLostToAnotherNode_RetriedWithTheNextAddressAndCounted()
    {
        var pool = await _a.RequestPoolAsync(Global("10.2.0.0/24"), CancellationToken.None);
        var racing = new RacingStore(_store, ClusterIpam.AddressesOf(IpPrefix.Parse("10.2.0.0/24")) + "10.2.0.1");
        using var c = new ClusterIpam(racing, "c");
        var before = ClusterMetrics.RetryCount;

        var got = await c.RequestAddressAsync(new AddressRequest(pool.PoolId), CancellationToken.None);

        Assert.Equal("10.2.0.2/24", got.Address.ToString());
        Assert.True(ClusterMetrics.RetryCount > before);
        Assert.Equal("other", Encoding.UTF8.GetString((await _store.GetAsync(racing.StolenKey, CancellationToken.None))!.Value.Span));
    }

    [Fact]
    public async Task RequestAddress_PreferredTakenOnTheOtherNode_ConflictAlreadyInUse()
    {
        var pool = await _a.RequestPoolAsync(Global("10.3.0.0/24"), CancellationToken.None);
        await _a.RequestAddressAsync(new AddressRequest(pool.PoolId, IPAddress.Parse("10.3.0.7")), CancellationToken.None);

        var error = await Assert.ThrowsAsync<CnmException>(() => _b.RequestAddressAsync(new AddressRequest(pool.PoolId, IPAddress.Parse("10.3.0.7")), CancellationToken.None));

        Assert.Equal(ErrorCategory.Conflict, error.Category);
        Assert.Contains("Address already in use: 10.3.0.7", error.Message);
    }

    [Fact]
    public async Task ReleaseAddress_OnTheOtherNode_FreesItForReuse()
    {
        var pool = await _a.RequestPoolAsync(Global("10.4.0.0/30"), CancellationToken.None);
        var first = await _a.RequestAddressAsync(new AddressRequest(pool.PoolId), CancellationToken.None);
        var second = await _b.RequestAddressAsync(new AddressRequest(pool.PoolId), CancellationToken.None);
        var full = await Assert.ThrowsAsync<CnmException>(() => _a.RequestAddressAsync(new AddressRequest(pool.PoolId), CancellationToken.None));
        Assert.Equal(ErrorCategory.Unavailable, full.Category);

        await _b.ReleaseAddressAsync(pool.PoolId, first.Address!.Value.Address, CancellationToken.None);

        Assert.Equal(first.Address, (await _a.RequestAddressAsync(new AddressRequest(pool.PoolId), CancellationToken.None)).Address);
        Assert.NotEqual(first.Address, second.Address);
        var twice = await Assert.ThrowsAsync<CnmException>(() => _a.ReleaseAddressAsync(pool.PoolId, IPAddress.Parse("10.4.0.3"), CancellationToken.None));
        Assert.Equal(ErrorCategory.InvalidParameter, twice.Category); // the broadcast address
    }

    [Fact]
    public async Task RequestPool_OverlapsAPoolOfTheOtherNode_ConflictNamingIt_PredefinedSkipsIt()
    {
        var held = await _a.RequestPoolAsync(Global("10.0.0.0/24"), CancellationToken.None);
        Assert.Equal("GlobalDefault/10.0.0.0/24", held.PoolId);

        var overlap = await Assert.ThrowsAsync<CnmException>(() => _b.RequestPoolAsync(Global("10.0.0.0/16"), CancellationToken.None));
        Assert.Equal(ErrorCategory.Conflict, overlap.Category);
        Assert.Contains("GlobalDefault/10.0.0.0/24", overlap.Message);

        var predefined = await Task.WhenAll(_a.RequestPoolAsync(Global(), CancellationToken.None), _b.RequestPoolAsync(Global(), CancellationToken.None));
        Assert.NotEqual(predefined[0].Pool, predefined[1].Pool);
        Assert.All(predefined, p => Assert.False(p.Pool.Overlaps(IpPrefix.Parse("10.0.0.0/24"))));
    }

    [Fact]
    public async Task ReleasePool_RemovesItAndItsAddresses_SoTheOtherNodeCanTakeIt()
    {
        var pool = await _a.RequestPoolAsync(Global("10.5.0.0/24"), CancellationToken.None);
        await _a.RequestAddressAsync(new AddressRequest(pool.PoolId), CancellationToken.None);

        await _a.ReleasePoolAsync(pool.PoolId, CancellationToken.None);

        Assert.Empty((await _store.ListAsync(ClusterIpam.AddressesOf(IpPrefix.Parse("10.5.0.0/24")), CancellationToken.None)).Entries);
        Assert.Equal(pool.PoolId, (await _b.RequestPoolAsync(Global("10.5.0.0/24"), CancellationToken.None)).PoolId);
        var gone = await Assert.ThrowsAsync<CnmException>(() => _a.RequestAddressAsync(new AddressRequest("GlobalDefault/10.9.0.0/24"), CancellationToken.None));
        Assert.Equal(ErrorCategory.NotFound, gone.Category);
    }

    [Fact]
    public async Task SubPools_OfOneMaster_ShareItsAddresses_AndStayInTheirRange()
    {
        var low = await _a.RequestPoolAsync(Global("10.6.0.0/24", "10.6.0.0/25"), CancellationToken.None);
        var high = await _b.RequestPoolAsync(Global("10.6.0.0/24", "10.6.0.128/25"), CancellationToken.None);

        var fromHigh = await _b.RequestAddressAsync(new AddressRequest(high.PoolId), CancellationToken.None);
        var fromLow = await _a.RequestAddressAsync(new AddressRequest(low.PoolId), CancellationToken.None);

        Assert.Equal("10.6.0.128/24", fromHigh.Address.ToString());
        Assert.Equal("10.6.0.1/24", fromLow.Address.ToString());
        await Assert.ThrowsAsync<CnmException>(() => _b.RequestPoolAsync(Global("10.6.0.0/24"), CancellationToken.None));
    }

    [Fact]
    public async Task LocalSpace_IsTheNodesOwn_NotInTheStore()
    {
        var local = await _a.RequestPoolAsync(new PoolRequest(BuiltInIpams.LocalDefaultSpace, IpPrefix.Parse("10.7.0.0/24")), CancellationToken.None);
        var other = await _b.RequestPoolAsync(new PoolRequest(BuiltInIpams.LocalDefaultSpace, IpPrefix.Parse("10.7.0.0/24")), CancellationToken.None);

        Assert.Equal(local.PoolId, other.PoolId);
        Assert.Empty((await _store.ListAsync("", CancellationToken.None)).Entries);
        Assert.Single(_a.Snapshot());
    }

    /// <summary>A store on which another node takes <see cref="StolenKey"/> just before this node's first write of it.</summary>
    private sealed class RacingStore(IKeyValueStore inner, string stolenKey) : IKeyValueStore
    {
        private int _stolen;

        public string StolenKey => stolenKey;

        public Task<KeyValueEntry?> GetAsync(string key, CancellationToken cancellationToken) => inner.GetAsync(key, cancellationToken);

        public Task<KeyValueList> ListAsync(string prefix, CancellationToken cancellationToken) => inner.ListAsync(prefix, cancellationToken);

        public async Task<long> AtomicPutAsync(string key, ReadOnlyMemory<byte> value, StoreCondition condition, CancellationToken cancellationToken)
        {
            if (key == stolenKey && Interlocked.Exchange(ref _stolen, 1) == 0)
            {
                await inner.AtomicPutAsync(key, Encoding.UTF8.GetBytes("other"), StoreCondition.NotExists, cancellationToken);
            }

            return await inner.AtomicPutAsync(key, value, condition, cancellationToken);
        }

        public Task<long> AtomicDeleteAsync(string key, StoreCondition condition, CancellationToken cancellationToken) => inner.AtomicDeleteAsync(key, condition, cancellationToken);

        public Task<long> CommitAsync(StoreTransaction transaction, CancellationToken cancellationToken) => inner.CommitAsync(transaction, cancellationToken);

        public IAsyncEnumerable<WatchEvent> WatchAsync(string prefix, long afterRevision, CancellationToken cancellationToken) =>
            inner.WatchAsync(prefix, afterRevision, cancellationToken);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
