using Cnm.Core.Store;
using Cnm.Store.Sqlite;

namespace Cnm.Store.Tests;

/// <summary>
/// <see cref="IKeyValueStore.WatchInlineAsync"/> on the in-process stores: the waiting reader resumes inside the
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
