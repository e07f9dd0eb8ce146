using Cnm.Core.Store;

namespace Cnm.Store.Tests;

/// <summary>Watches: revision order, prefix filter, replay, list-then-watch, cancellation, slow watchers.</summary>
public abstract partial class KeyValueStoreContractTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Watch_PutsAndDeletesUnderPrefix_InRevisionOrder()
    {
        await using var store = await OpenAsync();
        using var cts = new CancellationTokenSource(Generous);
        var watch = store.WatchAsync("net/", R(0), cts.Token);

        await store.AtomicPutAsync("net/a", Bytes("1"), StoreCondition.Any, None);
        await store.AtomicPutAsync("other/a", Bytes("x"), StoreCondition.Any, None);
        await store.AtomicPutAsync("net", Bytes("x"), StoreCondition.Any, None);
        await store.AtomicPutAsync("net/a", Bytes("2"), StoreCondition.Any, None);
        await store.AtomicDeleteAsync("net/a", StoreCondition.Any, None);

        var events = await TakeAsync(watch, 3);
        Assert.Equal(
            [(WatchEventType.Put, "net/a", R(1), 1L), (WatchEventType.Put, "net/a", R(4), 2L), (WatchEventType.Delete, "net/a", R(5), 0L)],
            events.Select(e => (e.Type, e.Key, e.Revision, e.Entry.Version)));
        Assert.Equal("2", Text(events[1].Entry));
    }

    [Fact]
    public async Task Watch_FromPastRevision_ReplaysThenGoesLive()
    {
        await using var store = await OpenAsync();
        for (var i = 1; i <= 5; i++)
        {
            await store.AtomicPutAsync("k/" + i, Bytes("v"), StoreCondition.Any, None);
        }

        using var cts = new CancellationTokenSource(Generous);
        var watch = store.WatchAsync("k/", R(2), cts.Token);
        await store.AtomicPutAsync("k/6", Bytes("v"), StoreCondition.Any, None);

        var events = await TakeAsync(watch, 4);
        Assert.Equal([R(3), R(4), R(5), R(6)], events.Select(e => e.Revision));
    }

    [Fact]
    public async Task Watch_TransactionChanges_ShareOneRevision()
    {
        await using var store = await OpenAsync();
        await store.AtomicPutAsync("t/old", Bytes("v"), StoreCondition.Any, None);
        using var cts = new CancellationTokenSource(Generous);
        var watch = store.WatchAsync("t/", R(1), cts.Token);

        await store.CommitAsync(new StoreTransaction().Put("t/a", Bytes("a")).Delete("t/old").Put("t/b", Bytes("b")), None);

        var events = await TakeAsync(watch, 3);
        Assert.Equal([("t/a", R(2)), ("t/old", R(2)), ("t/b", R(2))], events.Select(e => (e.Key, e.Revision)));
    }

    [Fact]
    public async Task ListThenWatch_WhileWriting_NoEventMissedOrDuplicated()
    {
        await using var store = await OpenAsync();
        const int Writes = 300;
        var writer = Task.Run(async () =>
        {
            for (var i = 0; i < Writes; i++)
            {
                await store.AtomicPutAsync("w/" + (i % 40), Bytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture)), StoreCondition.Any, None);
                if (i % 7 == 0)
                {
                    await store.CommitAsync(new StoreTransaction().Delete("w/" + ((i + 3) % 40)), None);
                }
            }

            await store.AtomicPutAsync("w/done", Bytes("done"), StoreCondition.Any, None);
        });
        while ((await store.ListAsync("", None)).Revision < R(50))
        {
            await Task.Yield();
        }

        var snapshot = await store.ListAsync("w/", None);
        using var cts = new CancellationTokenSource(Generous);
        var state = snapshot.Entries.ToDictionary(e => e.Key, e => (Text(e), e.ModRevision));
        var lastRevision = snapshot.Revision;
        await foreach (var change in store.WatchAsync("w/", snapshot.Revision, cts.Token))
        {
            Assert.True(change.Revision > snapshot.Revision, "an event at or before the list's revision was delivered");
            Assert.True(change.Revision >= lastRevision, "events went back in revision order");
            lastRevision = change.Revision;
            if (change.Type == WatchEventType.Delete)
            {
                Assert.True(state.Remove(change.Key), $"delete of {change.Key} that the list plus events did not hold");
            }
            else
            {
                state[change.Key] = (Text(change.Entry), change.Revision);
            }

            if (change.Key == "w/done")
            {
                break;
            }
        }

        await writer;
        var final = await store.ListAsync("w/", None);
        Assert.Equal(final.Entries.ToDictionary(e => e.Key, e => (Text(e), e.ModRevision)), state);
    }

    [Fact]
    public async Task Watch_Cancelled_EndsNormallyAndUnregisters()
    {
        await using var store = await OpenAsync();
        using var cts = new CancellationTokenSource();
        var seen = 0;
        var reader = Task.Run(async () =>
        {
            await foreach (var unused in store.WatchAsync("c/", R(0), cts.Token))
            {
                seen++;
            }
        });
        await store.AtomicPutAsync("c/1", Bytes("v"), StoreCondition.Any, None);
        while (Volatile.Read(ref seen) == 0)
        {
            await Task.Delay(10);
        }

        await cts.CancelAsync();

        await reader.WaitAsync(Generous);
        Assert.Equal(0, ActiveWatches(store));
        await store.AtomicPutAsync("c/2", Bytes("v"), StoreCondition.Any, None);
        Assert.Equal(1, seen);
    }

    [Fact]
    public async Task Watch_SlowWatcher_FailsWithFellBehind_WritersNeverWait()
    {
        await using var store = await OpenAsync(new KeyValueStoreOptions { WatchBufferCapacity = 8 });
        using var cts = new CancellationTokenSource(Generous);
        var slow = store.WatchAsync("s/", R(0), cts.Token);

        var writes = Task.Run(async () =>
        {
            for (var i = 0; i < 50; i++)
            {
                await store.AtomicPutAsync("s/" + i, Bytes("v"), StoreCondition.Any, None);
            }
        });
        await writes.WaitAsync(Generous);

        var received = new List<long>();
        var error = await Assert.ThrowsAsync<Cnm.Core.Store.StoreWatchLostException>(async () =>
        {
            await foreach (var change in slow)
            {
                received.Add(change.Revision);
            }
        });
        Assert.Contains("fell behind", error.Message, StringComparison.Ordinal);
        Assert.Contains("list again", error.Message, StringComparison.Ordinal);
        Assert.Equal(Enumerable.Range(1, 8).Select(i => R(i)), received);
        Assert.Equal(0, ActiveWatches(store));
    }

    [Fact]
    public async Task Watch_RevisionNoLongerKept_FailsAtOnceWithRelistHint()
    {
        await using var store = await OpenAsync(new KeyValueStoreOptions { HistoryLimit = 5 });
        for (var i = 0; i < 20; i++)
        {
            await store.AtomicPutAsync("h/" + i, Bytes("v"), StoreCondition.Any, None);
        }

        await ForgetHistoryAsync(store, R(15));

        var error = Assert.Throws<Cnm.Core.Store.StoreWatchLostException>(() => store.WatchAsync("h/", R(2), None));
        using var cts = new CancellationTokenSource(Generous);
        var kept = await TakeAsync(store.WatchAsync("h/", R(15), cts.Token), 5);

        Assert.Contains("no longer kept", error.Message, StringComparison.Ordinal);
        Assert.Equal([R(16), R(17), R(18), R(19), R(20)], kept.Select(e => e.Revision));
    }

    [Fact]
    public async Task Watch_StoreClosed_EndsWithWatchLost()
    {
        var store = await OpenAsync();
        var watch = store.WatchAsync("", R(0), None);

        await store.DisposeAsync();

        var error = await Assert.ThrowsAsync<Cnm.Core.Store.StoreWatchLostException>(async () =>
        {
            await foreach (var unused in watch)
            {
            }
        });
        Assert.Contains("closed", error.Message, StringComparison.Ordinal);
    }

    private static async Task<List<WatchEvent>> TakeAsync(IAsyncEnumerable<WatchEvent> watch, int count)
    {
        var events = new List<WatchEvent>();
        await foreach (var change in watch)
        {
            events.Add(change);
            if (events.Count == count)
            {
                break;
            }
        }

        return events;
    }
}
