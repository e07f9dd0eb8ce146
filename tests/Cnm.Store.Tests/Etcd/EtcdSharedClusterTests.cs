using System.Text;
using Cnm.Core.Store;
using Cnm.Store.Etcd;
using Cnm.Testing;

namespace Cnm.Store.Tests.Etcd;

/// <summary>
/// Two stores (two nodes' clients) on one 3-member cluster and one prefix: compare-and-set is
/// decided by etcd for both, each sees the other's writes, and prefixes keep Cnm clusters apart.
/// </summary>
public sealed class EtcdSharedClusterTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task ConcurrentCas_TwoStoresOnSameRevision_ExactlyOneWinsAndTheOtherSeesIt()
    {
        using var cluster = await EtcdCluster.StartAsync(3);
        var prefix = $"/cnm-test/{Guid.NewGuid():N}/";
        await using var a = await EtcdKeyValueStore.ConnectAsync(EtcdNodeFixture.For(EtcdCluster.EndpointsOf([cluster.Members[0]]), prefix: prefix), None);
        await using var b = await EtcdKeyValueStore.ConnectAsync(EtcdNodeFixture.For(EtcdCluster.EndpointsOf([cluster.Members[2]]), prefix: prefix), None);
        var created = await a.AtomicPutAsync("pool", Encoding.UTF8.GetBytes("free"), StoreCondition.NotExists, None);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var watch = b.WatchAsync("", created, cts.Token).GetAsyncEnumerator(cts.Token);

        var results = await Task.WhenAll(Enumerable.Range(0, 32).Select(i => Task.Run(async () =>
        {
            try
            {
                await (i % 2 == 0 ? a : b).AtomicPutAsync("pool", Encoding.UTF8.GetBytes("taken by " + i), StoreCondition.ModRevisionIs(created), None);
                return i;
            }
            catch (StoreConflictException)
            {
                return -1;
            }
        })));

        var winner = Assert.Single(results, r => r >= 0);
        var fromA = await a.GetAsync("pool", None);
        var fromB = await b.GetAsync("pool", None);
        Assert.True(await watch.MoveNextAsync());
        Assert.Equal("taken by " + winner, Encoding.UTF8.GetString(fromA!.Value.Span));
        Assert.Equal((fromA.ModRevision, 2L), (fromB!.ModRevision, fromB.Version));
        Assert.Equal(("pool", fromA.ModRevision), (watch.Current.Key, watch.Current.Revision));
    }

    [Fact]
    public async Task Prefixes_TwoCnmClustersOnOneEtcd_NeverSeeEachOther()
    {
        using var cluster = await EtcdCluster.StartAsync(1);
        await using var one = await EtcdKeyValueStore.ConnectAsync(EtcdNodeFixture.For(cluster.Endpoints, prefix: "/one/"), None);
        await using var two = await EtcdKeyValueStore.ConnectAsync(EtcdNodeFixture.For(cluster.Endpoints, prefix: "/one-more/"), None);

        await one.AtomicPutAsync("k", new byte[] { 1 }, StoreCondition.NotExists, None);
        await two.AtomicPutAsync("k", new byte[] { 2 }, StoreCondition.NotExists, None);

        Assert.Equal(new byte[] { 1 }, (await one.GetAsync("k", None))!.Value.ToArray());
        Assert.Equal(["k"], (await one.ListAsync("", None)).Entries.Select(e => e.Key));
        Assert.Equal(["k"], (await two.ListAsync("", None)).Entries.Select(e => e.Key));
        Assert.Equal(1, (await two.GetAsync("k", None))!.Version);
    }
}
