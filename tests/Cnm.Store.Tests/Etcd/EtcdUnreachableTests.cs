using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Cnm.Core.Errors;
using Cnm.Core.Store;
using Cnm.Protocol;
using Cnm.Store.Etcd;
using Cnm.Testing;

namespace Cnm.Store.Tests.Etcd;

/// <summary>No etcd, or etcd gone: Unavailable errors that name the store, after the retry budget and not much later.</summary>
public sealed class EtcdUnreachableTests
{
    [Fact]
    public async Task Connect_NothingListening_UnavailableNamingEndpoints()
    {
        var port = FreePort();
        var options = EtcdNodeFixture.For($"etcd://127.0.0.1:{port}", prefix: "/cnm/");
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<CnmException>(() => EtcdKeyValueStore.ConnectAsync(options, CancellationToken.None));

        Assert.Equal(ErrorCategory.Unavailable, error.Category);
        Assert.Contains($"etcd store etcd://127.0.0.1:{port} (prefix /cnm/) is unreachable", error.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8), $"gave up after {clock.Elapsed}: nothing listens, so the 1 s unreachable budget applies, not the 15 s retry budget");
    }

    [Fact]
    public async Task Operations_EtcdKilled_UnavailableThenWorkAgainWhenBack()
    {
        using var cluster = await EtcdCluster.StartAsync(1);
        var options = EtcdNodeFixture.For(cluster.Endpoints);
        await using var store = await EtcdKeyValueStore.ConnectAsync(options, CancellationToken.None);
        await store.AtomicPutAsync("k", new byte[] { 1 }, StoreCondition.NotExists, CancellationToken.None);

        cluster.Kill(cluster.Members[0]);
        var clock = Stopwatch.StartNew();
        var read = await Assert.ThrowsAsync<CnmException>(() => store.GetAsync("k", CancellationToken.None));
        var write = await Assert.ThrowsAsync<CnmException>(() => store.AtomicPutAsync("k", new byte[] { 2 }, StoreCondition.Any, CancellationToken.None));
        var watch = Assert.Throws<CnmException>(() => store.WatchAsync("", 0, CancellationToken.None));
        var failedIn = clock.Elapsed;
        await cluster.RestartAsync(cluster.Members[0]);

        Assert.All([read, write, watch], e => Assert.Equal(ErrorCategory.Unavailable, e.Category));
        Assert.Contains("is unreachable: could not read key \"k\"", read.Message, StringComparison.Ordinal);
        Assert.Contains(store.Name, write.Message, StringComparison.Ordinal);
        Assert.True(failedIn < TimeSpan.FromSeconds(12), $"three operations against a dead etcd took {failedIn}, not about 1 s each");
        await EventuallyAsync(() => store.AtomicPutAsync("k", new byte[] { 3 }, StoreCondition.Any, CancellationToken.None));
        Assert.Equal(new byte[] { 3 }, (await store.GetAsync("k", CancellationToken.None))!.Value.ToArray());
    }

    // The same store recovers by itself once etcd is back (its connection retries within a second).
    private static async Task EventuallyAsync(Func<Task> operation)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await operation();
                return;
            }
            catch (CnmException e) when (e.Category == ErrorCategory.Unavailable && clock.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(100);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
