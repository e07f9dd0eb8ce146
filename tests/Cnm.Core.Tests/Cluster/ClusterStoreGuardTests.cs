using Cnm.Core.Cluster;
using Cnm.Core.Errors;
using Cnm.Core.Store;
using Cnm.Protocol;

namespace Cnm.Core.Tests.Cluster;

/// <summary>The outage guard (spec/cluster.md, "Outage"): once the store is unreachable, calls fail at once; they pass again by themselves once it answers.</summary>
public sealed class ClusterStoreGuardTests
{
    [Fact]
    public async Task Unreachable_NextCallsFailAtOnceWithoutTheStore_NamingIt_ThenRecoverWhenItAnswers()
    {
        var inner = new DownStore();
        await using var guard = new ClusterStoreGuard(inner, "etcd://10.0.0.1:2379", TimeSpan.FromMilliseconds(20));
        inner.Down = true;

        var first = await Assert.ThrowsAsync<CnmException>(() => guard.GetAsync("k", CancellationToken.None));
        Assert.Equal(ErrorCategory.Unavailable, first.Category);
        Assert.True(guard.IsDown);
        var callsWhenDown = inner.Calls;
        var next = await Assert.ThrowsAsync<CnmException>(() => guard.CommitAsync(new StoreTransaction().Put("k", new byte[] { 1 }), CancellationToken.None));
        Assert.Equal(ErrorCategory.Unavailable, next.Category);
        Assert.Contains("cluster store etcd://10.0.0.1:2379 is unreachable", next.Message);
        Assert.Equal(callsWhenDown, inner.Calls);

        inner.Down = false;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (guard.IsDown)
        {
            Assert.True(DateTime.UtcNow < deadline, "the guard did not recover");
            await Task.Delay(20);
        }

        await guard.CommitAsync(new StoreTransaction().Put("k", new byte[] { 1 }), CancellationToken.None);
        Assert.NotNull(await guard.GetAsync("k", CancellationToken.None));
    }

    [Fact]
    public async Task Conflict_IsAnAnswer_NotAnOutage()
    {
        await using var store = new InMemoryKeyValueStore();
        await using var guard = new ClusterStoreGuard(store, "etcd://x:1");
        await guard.AtomicPutAsync("k", new byte[] { 1 }, StoreCondition.NotExists, CancellationToken.None);

        await Assert.ThrowsAsync<StoreConflictException>(() => guard.AtomicPutAsync("k", new byte[] { 1 }, StoreCondition.NotExists, CancellationToken.None));

        Assert.False(guard.IsDown);
    }

    private sealed class DownStore : IKeyValueStore
    {
        private readonly InMemoryKeyValueStore _inner = new();
        private int _calls;
        private int _probes;

        public volatile bool Down;

        /// <summary>Calls other than the guard's probes.</summary>
        public int Calls => Volatile.Read(ref _calls);

        public int Probes => Volatile.Read(ref _probes);

        public Task<KeyValueEntry?> GetAsync(string key, CancellationToken cancellationToken)
        {
            if (key == "cnm/v1/probe")
            {
                Interlocked.Increment(ref _probes);
                return Down ? Task.FromException<KeyValueEntry?>(CnmException.Unavailable("still down")) : _inner.GetAsync(key, cancellationToken);
            }

            return Run(() => _inner.GetAsync(key, cancellationToken));
        }

        public Task<KeyValueList> ListAsync(string prefix, CancellationToken cancellationToken) => Run(() => _inner.ListAsync(prefix, cancellationToken));

        public Task<long> AtomicPutAsync(string key, ReadOnlyMemory<byte> value, StoreCondition condition, CancellationToken cancellationToken) =>
            Run(() => _inner.AtomicPutAsync(key, value, condition, cancellationToken));

        public Task<long> AtomicDeleteAsync(string key, StoreCondition condition, CancellationToken cancellationToken) =>
            Run(() => _inner.AtomicDeleteAsync(key, condition, cancellationToken));

        public Task<long> CommitAsync(StoreTransaction transaction, CancellationToken cancellationToken) => Run(() => _inner.CommitAsync(transaction, cancellationToken));

        public IAsyncEnumerable<WatchEvent> WatchAsync(string prefix, long afterRevision, CancellationToken cancellationToken) =>
            _inner.WatchAsync(prefix, afterRevision, cancellationToken);

        public ValueTask DisposeAsync() => _inner.DisposeAsync();

        private Task<T> Run<T>(Func<Task<T>> call)
        {
            Interlocked.Increment(ref _calls);
            return Down ? Task.FromException<T>(CnmException.Unavailable("etcd store etcd://10.0.0.1:2379 is unreachable: refused")) : call();
        }
    }
}
