using Cnm.Core.Store;
using Cnm.Store.Sqlite;

namespace Cnm.Store.Tests;

/// <summary>
/// A commit started on a thread outside the thread pool (cnmd's socket event thread, which runs socket completions
/// inline: spec/performance.md, "Fewer thread hops per plugin call") does not block that thread for its write and
/// fsync: a slow fsync (held by the test hook) leaves the caller free.
/// </summary>
public sealed class SqliteCommitThreadTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60); // generous: the machine may be busy
    private readonly StoreDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task CommitAsync_OnANonPoolThreadWithASlowFsync_ReturnsToTheCallerBeforeTheFsyncEnds()
    {
        await using var store = await SqliteKeyValueStore.OpenAsync(_directory.StateFile, null, StoreSync.Full, CancellationToken.None);
        using var fsyncEntered = new ManualResetEventSlim();
        using var releaseFsync = new ManualResetEventSlim();
        store.AfterSync = () =>
        {
            fsyncEntered.Set();
            releaseFsync.Wait(Deadline * 2);
        };

        Task<long>? commit = null;
        var caller = new Thread(() => commit = store.CommitAsync(new StoreTransaction().Put("objects/a", "v"u8.ToArray()), CancellationToken.None))
        {
            IsBackground = true,
            Name = "test-event-thread",
        };
        try
        {
            caller.Start();
            Assert.True(caller.Join(Deadline), "CommitAsync blocked its non-pool caller thread");
            Assert.True(fsyncEntered.Wait(Deadline), "the commit never reached its fsync");
            Assert.False(commit!.IsCompleted); // acknowledged only after the fsync, which the hook still holds
        }
        finally
        {
            releaseFsync.Set();
        }

        Assert.True(await commit.WaitAsync(Deadline) > 0);
        store.AfterSync = null;
        Assert.NotNull(await store.GetAsync("objects/a", CancellationToken.None));
    }
}
