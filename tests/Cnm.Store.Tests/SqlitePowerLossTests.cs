using System.Collections.Concurrent;
using Cnm.Core.Store;
using Cnm.Store.Sqlite;

namespace Cnm.Store.Tests;

/// <summary>
/// A simulated power loss (spec/store.md, "Durability"): at every fsync of the WAL the store's test hook copies the
/// state file and its WAL as they are on stable storage then (no write runs until the copy is made), which is all a
/// power loss leaves; the page cache, with every write made since, is dropped. Each acknowledged change must be in the
/// copy taken at the last fsync before it was acknowledged; the intents, committed without sync, may be missing.
/// </summary>
public sealed class SqlitePowerLossTests : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly StoreDirectory _directory = new();
    private readonly List<string> _snapshots = [];

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task PowerLoss_AtEveryFsync_EveryAcknowledgedChangeSurvives()
    {
        var acknowledged = new ConcurrentBag<(string Key, bool Deleted, int Snapshot)>();
        await using (var store = await SqliteKeyValueStore.OpenAsync(_directory.StateFile, null, StoreSync.Full, None))
        {
            store.AfterSync = TakeSnapshot;

            // Four clients at once, each operation as the controller makes it: an intent without sync, then the
            // acknowledging commit that records the object and removes the intent; every third object deleted again.
            await Task.WhenAll(Enumerable.Range(0, 4).Select(client => Task.Run(async () =>
            {
                for (var i = 0; i < 40; i++)
                {
                    var key = $"objects/{client}-{i}";
                    var intent = $"intents/{client}-{i}";
                    await store.CommitAsync(new StoreTransaction().Put(intent, "i"u8.ToArray()).WithoutSync(), None);
                    await store.CommitAsync(new StoreTransaction().Put(key, "v"u8.ToArray()).Delete(intent), None);
                    acknowledged.Add((key, false, SnapshotCount()));
                    if (i % 3 == 0)
                    {
                        await store.CommitAsync(new StoreTransaction().Delete(key), None);
                        acknowledged.Add((key, true, SnapshotCount()));
                    }
                }
            })));

            // Written after the last acknowledged change, without sync: the power loss takes it.
            await store.CommitAsync(new StoreTransaction().Put("intents/last", "i"u8.ToArray()).WithoutSync(), None);
            store.AfterSync = null;
        }

        Assert.NotEmpty(_snapshots);
        foreach (var group in acknowledged.GroupBy(a => a.Snapshot))
        {
            Assert.True(group.Key >= 0, $"{group.First().Key} was acknowledged before any fsync");
            await using var restarted = await OpenCopyAsync(_snapshots[group.Key]);
            var report = await restarted.IntegrityCheckAsync(None);
            Assert.True(report.IsHealthy, string.Join("; ", report.Problems));
            foreach (var (key, deleted, _) in group)
            {
                // Each client deletes a key only after its put was acknowledged, so the delete is never in the
                // snapshot that the put's acknowledgement counts on.
                var entry = await restarted.GetAsync(key, None);
                Assert.True(deleted ? entry is null : entry is not null,
                    $"{key} ({(deleted ? "deleted" : "put")}, acknowledged after fsync {group.Key}) is not so in the state at that fsync");
            }
        }

        await using var last = await OpenCopyAsync(_snapshots[^1]);
        Assert.Null(await last.GetAsync("intents/last", None));
        Assert.Empty((await last.ListAsync("intents/", None)).Entries);
        Assert.Equal(acknowledged.Count(a => !a.Deleted) - acknowledged.Count(a => a.Deleted), (await last.ListAsync("objects/", None)).Entries.Count);
    }

    [Fact]
    public async Task CommitWithoutSync_NoFsync_NextSyncedCommitMakesItDurable()
    {
        await using (var store = await SqliteKeyValueStore.OpenAsync(_directory.StateFile, null, StoreSync.Full, None))
        {
            store.AfterSync = TakeSnapshot;
            await store.CommitAsync(new StoreTransaction().Put("a", "1"u8.ToArray()), None);
            var syncs = store.SyncCount;
            for (var i = 0; i < 10; i++)
            {
                await store.CommitAsync(new StoreTransaction().Put($"intents/{i}", "i"u8.ToArray()).WithoutSync(), None);
            }

            Assert.Equal(syncs, store.SyncCount);
            await store.AtomicPutAsync("b", "1"u8.ToArray(), StoreCondition.NotExists, None);
            Assert.Equal(syncs + 1, store.SyncCount);
            store.AfterSync = null;
        }

        await using (var first = await OpenCopyAsync(_snapshots[0]))
        {
            Assert.NotNull(await first.GetAsync("a", None));
            Assert.Empty((await first.ListAsync("intents/", None)).Entries);
        }

        await using var second = await OpenCopyAsync(_snapshots[^1]);
        Assert.Equal(10, (await second.ListAsync("intents/", None)).Entries.Count);
        Assert.NotNull(await second.GetAsync("b", None));
    }

    [Fact]
    public async Task StoreSyncNormal_NeverFsyncs()
    {
        await using var store = await SqliteKeyValueStore.OpenAsync(_directory.StateFile, null, StoreSync.Normal, None);
        store.AfterSync = TakeSnapshot;
        await store.CommitAsync(new StoreTransaction().Put("a", "1"u8.ToArray()), None);
        await store.AtomicPutAsync("b", "1"u8.ToArray(), StoreCondition.NotExists, None);

        Assert.Equal(0, store.SyncCount);
        Assert.Empty(_snapshots);
    }

    private int SnapshotCount()
    {
        lock (_snapshots)
        {
            return _snapshots.Count - 1;
        }
    }

    // Runs with no write in progress, right after the fsync: the files are what stable storage holds. The -shm index
    // is not copied; SQLite rebuilds it from the WAL, as after a reboot.
    private void TakeSnapshot()
    {
        lock (_snapshots)
        {
            var dir = Path.Combine(_directory.Path, $"fsync-{_snapshots.Count}");
            Directory.CreateDirectory(dir);
            File.Copy(_directory.StateFile, Path.Combine(dir, "cnm.db"));
            File.Copy(_directory.StateFile + "-wal", Path.Combine(dir, "cnm.db-wal"));
            _snapshots.Add(dir);
        }
    }

    // Opening recovers the WAL into the copy, so each check opens a copy of the snapshot of its own.
    private async Task<SqliteKeyValueStore> OpenCopyAsync(string snapshot)
    {
        var dir = Path.Combine(_directory.Path, $"restart-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        foreach (var file in Directory.GetFiles(snapshot))
        {
            File.Copy(file, Path.Combine(dir, Path.GetFileName(file)));
        }

        return await SqliteKeyValueStore.OpenAsync(Path.Combine(dir, "cnm.db"), null, StoreSync.Full, None);
    }
}
