using System.Globalization;
using System.Text;
using Cnm.Core.Store;
using Cnm.Store.Etcd;
using Cnm.Testing;

namespace Cnm.Store.Tests.Etcd;

/// <summary>
/// etcd members dying and coming back: watches resume after the last revision they delivered, writes
/// keep succeeding on a 3-member cluster with one member killed, and a write whose answer was lost is
/// applied exactly once.
/// </summary>
public sealed class EtcdFaultTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Watch_EtcdKilledAndRestarted_ResumesWithNothingLostOrRepeated()
    {
        using var cluster = await EtcdCluster.StartAsync(1);
        var options = EtcdNodeFixture.For(cluster.Endpoints);
        await using var store = await EtcdKeyValueStore.ConnectAsync(options, None);
        var start = (await store.ListAsync("", None)).Revision;
        using var cts = new CancellationTokenSource(Generous);
        await using var watch = store.WatchAsync("w/", start, cts.Token).GetAsyncEnumerator(cts.Token);
        var before = await PutAllAsync(store, "w/a", "w/b");
        var seen = await NextAsync(watch, 2);

        cluster.Kill(cluster.Members[0]);
        await cluster.RestartAsync(cluster.Members[0]);
        var after = await PutAllAsync(store, "w/c", "w/d");
        seen.AddRange(await NextAsync(watch, 2));

        Assert.Equal(before.Concat(after), seen.Select(e => (e.Key, e.Revision)));
    }

    [Fact]
    public async Task Watch_ItsMemberDiesWhileOthersTakeWrites_ResumesWithTheMissedEvents()
    {
        using var cluster = await EtcdCluster.StartAsync(3);
        var prefix = $"/cnm-test/{Guid.NewGuid():N}/";
        var watched = cluster.Members[0];
        await using var watcher = await EtcdKeyValueStore.ConnectAsync(EtcdNodeFixture.For(EtcdCluster.EndpointsOf([watched]), prefix: prefix), None);
        await using var writer = await EtcdKeyValueStore.ConnectAsync(EtcdNodeFixture.For(EtcdCluster.EndpointsOf(cluster.Members.Skip(1)), prefix: prefix), None);
        var start = (await writer.ListAsync("", None)).Revision;
        using var cts = new CancellationTokenSource(Generous);
        await using var watch = watcher.WatchAsync("", start, cts.Token).GetAsyncEnumerator(cts.Token);
        var expected = await PutAllAsync(writer, "a");
        var seen = await NextAsync(watch, 1);

        // The watcher's only member is gone while the other two go on taking writes.
        cluster.Kill(watched);
        expected.AddRange(await PutAllAsync(writer, "b", "c", "d"));
        await cluster.RestartAsync(watched);
        seen.AddRange(await NextAsync(watch, 3));

        Assert.Equal(expected, seen.Select(e => (e.Key, e.Revision)));
    }

    [Fact]
    public async Task Writes_LeaderKilledMidway_AllSucceedEachAppliedOnce()
    {
        using var cluster = await EtcdCluster.StartAsync(3);
        await using var store = await EtcdKeyValueStore.ConnectAsync(EtcdNodeFixture.For(cluster.Endpoints), None);
        await store.AtomicPutAsync("counter", Encoding.UTF8.GetBytes("0"), StoreCondition.NotExists, None);
        const int PerWriter = 40;
        var progress = 0;

        // Four writers: read, compare-and-set the counter, and create a key of their own each round.
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < PerWriter; i++)
            {
                await store.AtomicPutAsync($"own/{w}/{i}", new byte[] { 1 }, StoreCondition.NotExists, None);
                while (true)
                {
                    var current = await store.GetAsync("counter", None);
                    var next = int.Parse(Encoding.UTF8.GetString(current!.Value.Span), CultureInfo.InvariantCulture) + 1;
                    try
                    {
                        await store.AtomicPutAsync("counter", Encoding.UTF8.GetBytes(next.ToString(CultureInfo.InvariantCulture)), StoreCondition.ModRevisionIs(current.ModRevision), None);
                        break;
                    }
                    catch (StoreConflictException)
                    {
                    }
                }

                Interlocked.Increment(ref progress);
            }
        })).ToArray();
        while (Volatile.Read(ref progress) < PerWriter && !writers.Any(t => t.IsCompleted))
        {
            await Task.Delay(5);
        }

        cluster.Kill(await cluster.LeaderAsync());
        await Task.WhenAll(writers).WaitAsync(Generous);

        var counter = await store.GetAsync("counter", None);
        var own = await store.ListAsync("own/", None);
        Assert.Equal((4 * PerWriter).ToString(CultureInfo.InvariantCulture), Encoding.UTF8.GetString(counter!.Value.Span));
        Assert.Equal((4 * PerWriter) + 1, counter.Version);
        Assert.Equal(4 * PerWriter, own.Entries.Count);
        Assert.All(own.Entries, e => Assert.Equal(1, e.Version));
    }

    [Fact]
    public async Task Writes_AnswerLostAfterApply_ReadBackReportsSuccessAndNothingIsAppliedTwice()
    {
        using var cluster = await EtcdCluster.StartAsync(1);
        await using var store = await EtcdKeyValueStore.ConnectAsync(EtcdNodeFixture.For(cluster.Endpoints), None);
        var start = (await store.ListAsync("", None)).Revision;
        store.LoseFirstAnswerOfEveryWrite = true;

        var created = await store.AtomicPutAsync("k", new byte[] { 1 }, StoreCondition.NotExists, None);
        var swapped = await store.AtomicPutAsync("k", new byte[] { 2 }, StoreCondition.ModRevisionIs(created), None);
        var blind = await store.AtomicPutAsync("k", new byte[] { 3 }, StoreCondition.Any, None);
        var claimed = await store.CommitAsync(new StoreTransaction().If("name", StoreCondition.NotExists).Put("name", new byte[] { 1 }).Put("intent", new byte[] { 1 }), None);
        var deleted = await store.AtomicDeleteAsync("k", StoreCondition.ModRevisionIs(blind), None);
        var conflict = await Assert.ThrowsAsync<StoreConflictException>(() => store.AtomicPutAsync("name", new byte[] { 2 }, StoreCondition.NotExists, None));

        Assert.Equal(new[] { start + 1, start + 2, start + 3, start + 4, start + 5 }, new[] { created, swapped, blind, claimed, deleted });
        Assert.Equal("name", conflict.Key);
        Assert.Equal(start + 5, (await store.ListAsync("", None)).Revision);
        Assert.Null(await store.GetAsync("k", None));
        Assert.Equal(1, (await store.GetAsync("name", None))!.Version);
    }

    private static async Task<List<(string, long)>> PutAllAsync(EtcdKeyValueStore store, params string[] keys)
    {
        var written = new List<(string, long)>();
        foreach (var key in keys)
        {
            written.Add((key, await store.AtomicPutAsync(key, Encoding.UTF8.GetBytes(key), StoreCondition.Any, None)));
        }

        return written;
    }

    private static async Task<List<WatchEvent>> NextAsync(IAsyncEnumerator<WatchEvent> watch, int count)
    {
        var events = new List<WatchEvent>();
        while (events.Count < count && await watch.MoveNextAsync())
        {
            events.Add(watch.Current);
        }

        return events;
    }
}
