using Cnm.Core.Store;
using Cnm.Store.Sqlite;

namespace Cnm.Store.Tests;

/// <summary>
/// <see cref="IKeyValueStore.WatchInlineAsync(string, long, CancellationToken)"/> on the in-process stores: the waiting reader resumes inside the
/// commit, on the writer's thread, and otherwise behaves as a watch (spec/store.md, "Watch").
/// </summary>
public sealed class InlineWatchTests : IDisposable
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(20);
    private readonly StoreDirectory _directory = new();

    public static TheoryData<string> Stores => new() { "memory", "sqlite" };

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task WatchInline_ReaderWaiting_HasTheChangeWhenTheCommitReturns(string kind)
    {
        await using var store = await OpenAsync(kind);
        using var cts = new CancellationTokenSource(Generous);
        var received = new List<long>();
        // An async method runs until its first await that waits: the reader is waiting for a change when this returns.
        // On a pool thread, away from the test framework's context, like the daemon's commits.
        var (reading, revision, seen) = await Task.Run(async () =>
        {
            var reader = ReadAllAsync(store.WatchInlineAsync("k/", 0, cts.Token), change =>
            {
                lock (received)
                {
                    received.Add(change.Revision);
                }
            });
            var committed = await store.AtomicPutAsync("k/a", "v"u8.ToArray(), StoreCondition.Any, CancellationToken.None).ConfigureAwait(false);
            lock (received)
            {
                return (reader, committed, received.ToList());
            }
        });

        Assert.Equal([revision], seen); // resumed inside the commit, not queued to the thread pool

        await cts.CancelAsync(); // cancelling ends the watch normally
        await reading.WaitAsync(Generous);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task WatchInline_StoreClosedWhileReaderWaits_EndsWithWatchLost(string kind)
    {
        var store = await OpenAsync(kind);
        var got = new[] { NewSignal(), NewSignal() };
        var readers = got.Select(signal => ReadAllAsync(store.WatchInlineAsync("", 0, CancellationToken.None), signal)).ToList();
        await store.AtomicPutAsync("a", "v"u8.ToArray(), StoreCondition.Any, CancellationToken.None);
        await Task.WhenAll(got.Select(s => s.Task)).WaitAsync(Generous); // both readers are waiting again now

        await store.DisposeAsync();

        foreach (var reading in readers)
        {
            var error = await Assert.ThrowsAsync<StoreWatchLostException>(() => reading.WaitAsync(Generous));
            Assert.Contains("closed", error.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task WatchInline_SeveralPrefixes_OnlyTheirKeysInRevisionOrderAndOthersNeverResumeTheReader(string kind)
    {
        await using var store = await OpenAsync(kind);
        // Written before the watch: replayed from the hub's history, filtered the same way.
        await store.AtomicPutAsync("n/old", "v"u8.ToArray(), StoreCondition.Any, CancellationToken.None);
        await store.AtomicPutAsync("i/old", "v"u8.ToArray(), StoreCondition.Any, CancellationToken.None);
        using var cts = new CancellationTokenSource(Generous);
        var received = new List<string>();
        var resumes = 0;
        var (reading, seen) = await Task.Run(async () =>
        {
            var reader = ReadAllAsync(store.WatchInlineAsync(["n/", "e/"], 0, cts.Token), change =>
            {
                lock (received)
                {
                    resumes++;
                    received.Add(change.Key);
                }
            });
            await store.CommitAsync(new StoreTransaction().Put("i/a", "v"u8.ToArray()), CancellationToken.None).ConfigureAwait(false);
            await store.CommitAsync(new StoreTransaction().Put("e/a", "v"u8.ToArray()).Put("i/b", "v"u8.ToArray()), CancellationToken.None).ConfigureAwait(false);
            await store.CommitAsync(new StoreTransaction().Put("p/a", "v"u8.ToArray()), CancellationToken.None).ConfigureAwait(false);
            await store.CommitAsync(new StoreTransaction().Put("n/a", "v"u8.ToArray()).Delete("i/a"), CancellationToken.None).ConfigureAwait(false);
            lock (received)
            {
                return (reader, received.ToList());
            }
        });

        // Each delivered inside its commit; the intents-like keys (i/, p/) were not offered at all.
        Assert.Equal(["n/old", "e/a", "n/a"], seen);
        Assert.Equal(3, resumes);

        await cts.CancelAsync();
        await reading.WaitAsync(Generous);
    }

    [Fact]
    public async Task WatchInline_SeveralPrefixesOnAStoreWithoutAHub_FilteredFromTheCommonPrefix()
    {
        // The interface's default: a store that serves no multi-prefix watch of its own is watched from the prefixes'
        // common start, and the other keys are dropped before the reader sees them.
        await using var inner = new InMemoryKeyValueStore();
        IKeyValueStore store = new PlainStore(inner);
        using var cts = new CancellationTokenSource(Generous);
        var received = new List<string>();
        var got = NewSignal();
        var reading = ReadAllAsync(store.WatchInlineAsync(["cnm/v1/networks/", "cnm/v1/endpoints/"], 0, cts.Token), change =>
        {
            lock (received)
            {
                received.Add(change.Key);
                if (change.Key.EndsWith("/last", StringComparison.Ordinal))
                {
                    got.TrySetResult();
                }
            }
        });
        foreach (var key in new[] { "cnm/v1/intents/x", "cnm/v1/networks/a", "other/networks/b", "cnm/v1/endpoints/last" })
        {
            await store.AtomicPutAsync(key, "v"u8.ToArray(), StoreCondition.Any, CancellationToken.None);
        }

        await got.Task.WaitAsync(Generous);
        lock (received)
        {
            Assert.Equal(["cnm/v1/networks/a", "cnm/v1/endpoints/last"], received);
        }

        Assert.Equal("cnm/v1/", WatchHub.CommonPrefix(["cnm/v1/networks/", "cnm/v1/endpoints/"]));
        Assert.Equal("", WatchHub.CommonPrefix(["a/", "b/"]));
        // 😀 and 😁 share their high surrogate: the common start must not end in half a pair (an invalid prefix).
        Assert.Equal("k/", WatchHub.CommonPrefix(["k/\U0001F600/", "k/\U0001F601/"]));
        await cts.CancelAsync();
        await reading.WaitAsync(Generous);
    }

    /// <summary>A store that implements only the interface's required members: every default applies.</summary>
    private sealed class PlainStore(IKeyValueStore inner) : IKeyValueStore
    {
        public Task<KeyValueEntry?> GetAsync(string key, CancellationToken cancellationToken) => inner.GetAsync(key, cancellationToken);

        public Task<KeyValueList> ListAsync(string prefix, CancellationToken cancellationToken) => inner.ListAsync(prefix, cancellationToken);

        public Task<long> AtomicPutAsync(string key, ReadOnlyMemory<byte> value, StoreCondition condition, CancellationToken cancellationToken) =>
            inner.AtomicPutAsync(key, value, condition, cancellationToken);

        public Task<long> AtomicDeleteAsync(string key, StoreCondition condition, CancellationToken cancellationToken) =>
            inner.AtomicDeleteAsync(key, condition, cancellationToken);

        public Task<long> CommitAsync(StoreTransaction transaction, CancellationToken cancellationToken) => inner.CommitAsync(transaction, cancellationToken);

        public IAsyncEnumerable<WatchEvent> WatchAsync(string prefix, long afterRevision, CancellationToken cancellationToken) =>
            inner.WatchAsync(prefix, afterRevision, cancellationToken);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static Task ReadAllAsync(IAsyncEnumerable<WatchEvent> watch, TaskCompletionSource signal) =>
        ReadAllAsync(watch, _ => signal.TrySetResult());

    private static async Task ReadAllAsync(IAsyncEnumerable<WatchEvent> watch, Action<WatchEvent> onChange)
    {
        await foreach (var change in watch.ConfigureAwait(false)) // no test context: resumed where the commit runs
        {
            onChange(change);
        }
    }

    private async Task<IKeyValueStore> OpenAsync(string kind) => kind == "memory"
        ? new InMemoryKeyValueStore()
        : await SqliteKeyValueStore.OpenAsync(_directory.StateFile, null, CancellationToken.None);

    public void Dispose() => _directory.Dispose();
}
