using System.Security.Cryptography;
using Cnm.Core.Errors;
using Cnm.Core.Store;
using Cnm.Protocol;
using Cnm.Store.Sqlite;
using Microsoft.Data.Sqlite;

namespace Cnm.Store.Tests;

/// <summary>What only the SQLite store promises: persistence, one owner, schema and corruption checks, backup.</summary>
public sealed class SqliteKeyValueStoreTests : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly StoreDirectory _directory = new();

    private string StateFile => _directory.StateFile;

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Reopen_EntriesAndRevisionsSurvive_RevisionContinues()
    {
        await using (var store = await OpenAsync())
        {
            await store.AtomicPutAsync("a", "1"u8.ToArray(), StoreCondition.NotExists, None);
            await store.AtomicPutAsync("b", "1"u8.ToArray(), StoreCondition.NotExists, None);
            await store.CommitAsync(new StoreTransaction().Put("a", "2"u8.ToArray()).Put("c", "1"u8.ToArray()), None);
            await store.AtomicDeleteAsync("b", StoreCondition.Any, None);
        }

        await using var reopened = await OpenAsync();
        var list = await reopened.ListAsync("", None);
        var next = await reopened.AtomicPutAsync("d", "1"u8.ToArray(), StoreCondition.NotExists, None);

        Assert.Equal(4, list.Revision);
        Assert.Equal([("a", 1L, 3L, 2L), ("c", 3L, 3L, 1L)], list.Entries.Select(e => (e.Key, e.CreateRevision, e.ModRevision, e.Version)));
        Assert.Equal("2"u8.ToArray(), list.Entries[0].Value.ToArray());
        Assert.Equal(5, next);
    }

    [Fact]
    public async Task Reopen_WatchBeforeOpenRevision_ToldToRelist_WatchAfterItWorks()
    {
        await using (var store = await OpenAsync())
        {
            await store.AtomicPutAsync("a", "1"u8.ToArray(), StoreCondition.Any, None);
            await store.AtomicPutAsync("a", "2"u8.ToArray(), StoreCondition.Any, None);
        }

        await using var reopened = await OpenAsync();
        Assert.Throws<StoreWatchLostException>(() => reopened.WatchAsync("", 1, None));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var watch = reopened.WatchAsync("", 2, cts.Token).GetAsyncEnumerator(cts.Token);
        await reopened.AtomicPutAsync("a", "3"u8.ToArray(), StoreCondition.Any, None);

        Assert.True(await watch.MoveNextAsync());
        Assert.Equal(3, watch.Current.Revision);
        await watch.DisposeAsync();
    }

    [Fact]
    public async Task Open_FileAlreadyOpen_FailsNamingFile_UntilClosed()
    {
        var first = await OpenAsync();

        var error = await Assert.ThrowsAsync<CnmException>(OpenAsync);
        await first.DisposeAsync();
        await using var second = await OpenAsync();

        Assert.Equal(ErrorCategory.Unavailable, error.Category);
        Assert.Contains(StateFile, error.Message, StringComparison.Ordinal);
        Assert.Contains("in use by another process", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_WalFileWithSchemaMarks_CleanCloseLeavesNoWal()
    {
        await using (var store = await OpenAsync())
        {
            await store.AtomicPutAsync("a", "1"u8.ToArray(), StoreCondition.Any, None);
            Assert.True(File.Exists(StateFile + "-wal"));
        }

        Assert.False(File.Exists(StateFile + "-wal"), "a clean close should checkpoint and remove the WAL");
        Assert.True(File.Exists(StateFile + ".lock"));
        using var raw = RawConnection();
        Assert.Equal("wal", Scalar(raw, "PRAGMA journal_mode;"));
        Assert.Equal("1", Scalar(raw, "PRAGMA user_version;"));
        Assert.Equal("1129205041", Scalar(raw, "PRAGMA application_id;"));
    }

    [Fact]
    public async Task Open_NewerSchema_FailsClearly_FileUntouched()
    {
        await (await OpenAsync()).DisposeAsync();
        using (var raw = RawConnection())
        {
            Scalar(raw, "PRAGMA user_version = 2;");
        }

        var before = Hash(StateFile);

        var error = await Assert.ThrowsAsync<CnmException>(OpenAsync);

        Assert.Contains($"state file {StateFile} has schema version 2, newer than this cnmd understands (1)", error.Message, StringComparison.Ordinal);
        Assert.Contains("did not change it", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, Hash(StateFile));
    }

    [Fact]
    public async Task Open_GarbageFile_FailsClearlyWithRecoveryHint_FileUntouched()
    {
        var garbage = new byte[8192];
        new Random(7).NextBytes(garbage);
        await File.WriteAllBytesAsync(StateFile, garbage);

        var error = await Assert.ThrowsAsync<CnmException>(OpenAsync);

        Assert.Equal(ErrorCategory.Internal, error.Category);
        Assert.Contains($"state file {StateFile} is corrupt or not a Cnm store", error.Message, StringComparison.Ordinal);
        Assert.Contains("Restore it from a backup", error.Message, StringComparison.Ordinal);
        Assert.Equal(garbage, await File.ReadAllBytesAsync(StateFile));
    }

    [Fact]
    public async Task Open_OtherApplicationsDatabase_Refused()
    {
        using (var raw = RawConnection())
        {
            Scalar(raw, "CREATE TABLE songs (title TEXT);");
        }

        var error = await Assert.ThrowsAsync<CnmException>(OpenAsync);

        Assert.Contains("another application", error.Message, StringComparison.Ordinal);
        Assert.Contains(StateFile, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_EmptyFile_StartsAnEmptyStore()
    {
        await File.WriteAllBytesAsync(StateFile, []);

        await using var store = await OpenAsync();

        Assert.Equal(0, (await store.ListAsync("", None)).Revision);
        Assert.True((await store.IntegrityCheckAsync(None)).IsHealthy);
    }

    [Fact]
    public async Task IntegrityCheck_HealthyStore_ReportsRevisionAndKeys()
    {
        await using var store = await OpenAsync();
        await store.AtomicPutAsync("a", "1"u8.ToArray(), StoreCondition.Any, None);
        await store.AtomicPutAsync("b", ReadOnlyMemory<byte>.Empty, StoreCondition.Any, None);

        var report = await store.IntegrityCheckAsync(None);

        Assert.Empty(report.Problems);
        Assert.Equal((StateFile, 2L, 2L), (report.Path, report.Revision, report.KeyCount));
    }

    [Fact]
    public async Task IntegrityCheck_BrokenInvariant_ReportedNamingKey()
    {
        await using (var store = await OpenAsync())
        {
            await store.AtomicPutAsync("net/x", "1"u8.ToArray(), StoreCondition.Any, None);
            await store.AtomicPutAsync("net/y", "1"u8.ToArray(), StoreCondition.Any, None);
        }

        using (var raw = RawConnection())
        {
            Scalar(raw, "UPDATE kv SET version = 5 WHERE key = 'net/x'; UPDATE kv SET mod_rev = 9 WHERE key = 'net/y';");
        }

        await using var reopened = await OpenAsync();
        var report = await reopened.IntegrityCheckAsync(None);

        Assert.False(report.IsHealthy);
        Assert.Equal(
            ["key \"net/x\": version 5 impossible between create 1 and mod 1", "key \"net/y\": revisions out of order: create 2, mod 9, store 2"],
            report.Problems);
    }

    [Fact]
    public async Task IntegrityCheck_DamagedPage_ReportedBySqlite()
    {
        await using (var store = await OpenAsync())
        {
            for (var i = 0; i < 400; i++)
            {
                await store.CommitAsync(new StoreTransaction().Put($"net/{i:D4}", new byte[300]), None);
            }
        }

        await using (var file = new FileStream(StateFile, FileMode.Open, FileAccess.Write))
        {
            file.Position = file.Length - (3 * 4096) + 100;
            file.Write(Enumerable.Repeat((byte)0xA5, 2000).ToArray());
        }

        await using var reopened = await OpenAsync();
        var report = await reopened.IntegrityCheckAsync(None);

        Assert.False(report.IsHealthy);
        Assert.StartsWith("sqlite: ", report.Problems[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Backup_WhileOpen_IsAConsistentStoreOfItsOwn()
    {
        var backup = Path.Combine(_directory.Path, "backup.db");
        await using (var store = await OpenAsync())
        {
            for (var i = 0; i < 50; i++)
            {
                await store.AtomicPutAsync($"k/{i}", new[] { (byte)i }, StoreCondition.Any, None);
            }

            await store.BackupToAsync(backup, None);
            await store.AtomicPutAsync("k/after", "x"u8.ToArray(), StoreCondition.Any, None);
            var again = await Assert.ThrowsAsync<CnmException>(() => store.BackupToAsync(backup, None));
            Assert.Contains("already exists", again.Message, StringComparison.Ordinal);
        }

        await using var restored = await SqliteKeyValueStore.OpenAsync(backup, null, None);
        var list = await restored.ListAsync("k/", None);

        Assert.Equal(50, list.Revision);
        Assert.Equal(50, list.Entries.Count);
        Assert.True((await restored.IntegrityCheckAsync(None)).IsHealthy);
    }

    [Fact]
    public async Task Write_StatementFailsMidTransaction_NothingOfItStays_AndTheNextWritesUseTheKeptStatements()
    {
        await using var store = await OpenAsync();
        await store.AtomicPutAsync("a", "1"u8.ToArray(), StoreCondition.NotExists, None);

        // A trigger refuses one key, so the transaction's first put succeeds and its second fails inside SQLite. Made
        // by another connection, it also changes the schema under the writer's prepared statements.
        using (var raw = RawConnection())
        {
            Scalar(raw, "CREATE TRIGGER refuse BEFORE INSERT ON kv WHEN NEW.key = 'boom' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;");
        }

        var failed = await Assert.ThrowsAsync<CnmException>(() =>
            store.CommitAsync(new StoreTransaction().Put("b", "1"u8.ToArray()).Put("boom", "1"u8.ToArray()), None));
        Assert.Contains("refused by the test", failed.Message, StringComparison.Ordinal);
        Assert.Equal(1, store.Revision);
        Assert.Null(await store.GetAsync("b", None));

        // The failed transaction has ended at once, not at the next write's begin: the writer holds neither the write
        // lock nor a snapshot, so a full checkpoint from another connection is not busy (it does not wait: no busy
        // handler). A reader connection never sees the writer's uncommitted put, so the GetAsync above cannot tell.
        using (var raw = RawConnection())
        {
            Assert.Equal("0", Scalar(raw, "PRAGMA wal_checkpoint(TRUNCATE);"));
        }

        // The writer is not left inside the failed transaction: the next writes commit, each alone.
        Assert.Equal(2, await store.CommitAsync(new StoreTransaction().Put("b", "2"u8.ToArray()).Delete("a"), None));
        Assert.Equal(3, await store.AtomicPutAsync("c", "1"u8.ToArray(), StoreCondition.NotExists, None));
        using (var raw = RawConnection())
        {
            Scalar(raw, "DROP TRIGGER refuse;");
        }

        Assert.Equal(4, await store.AtomicPutAsync("boom", "1"u8.ToArray(), StoreCondition.NotExists, None));
        var list = await store.ListAsync("", None);
        Assert.Equal(4, list.Revision);
        Assert.Equal(["b", "boom", "c"], list.Entries.Select(e => e.Key));
        Assert.True((await store.IntegrityCheckAsync(None)).IsHealthy);
    }

    private Task<SqliteKeyValueStore> OpenAsync() => SqliteKeyValueStore.OpenAsync(StateFile, null, None);

    private SqliteConnection RawConnection()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = StateFile, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    private static string Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) ?? "";
    }

    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
}
