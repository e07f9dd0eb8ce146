using System.Collections.Concurrent;
using Cnm.Core.Errors;
using Cnm.Core.Store;
using Microsoft.Data.Sqlite;

namespace Cnm.Store.Sqlite;

/// <summary>
/// The embedded, durable <see cref="IKeyValueStore"/>: one SQLite file in WAL mode, each acknowledged commit
/// synced (group commit, SqliteKeyValueStore.Sync.cs), owned by one process at a time (spec/store.md). Writes are serialised on one
/// connection; reads use their own connections and see the last committed state. Watches are served
/// from this process after each commit.
/// </summary>
public sealed partial class SqliteKeyValueStore : IKeyValueStore
{
    private readonly StoreFileLock _fileLock;
    private readonly SqliteConnection _writer;
    private readonly WriterStatements _statements;
    private readonly string _connectionString;
    private readonly ConcurrentBag<SqliteConnection> _readers = [];
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly WatchHub _hub;
    private long _revision;
    private volatile bool _disposed;

    private SqliteKeyValueStore(string path, StoreFileLock fileLock, SqliteConnection writer, string connectionString, long revision, KeyValueStoreOptions options)
    {
        Path = path;
        _fileLock = fileLock;
        _writer = writer;
        _statements = new WriterStatements(writer);
        _connectionString = connectionString;
        _revision = revision;
        _hub = new WatchHub(options, revision);
    }

    /// <summary>The full path of the state file.</summary>
    public string Path { get; }

    /// <summary>The current store revision.</summary>
    public long Revision => Interlocked.Read(ref _revision);

    /// <summary>Watches currently registered (for tests of watch clean-up).</summary>
    public int ActiveWatchCount => _hub.ActiveWatchCount;

    /// <inheritdoc />
    public Task<KeyValueEntry?> GetAsync(string key, CancellationToken cancellationToken)
    {
        StoreKeys.Validate(key);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Read(connection => ReadEntry(connection, key), "read a key"));
    }

    /// <inheritdoc />
    public Task<KeyValueList> ListAsync(string prefix, CancellationToken cancellationToken)
    {
        StoreKeys.ValidatePrefix(prefix);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Read(connection => ListEntries(connection, prefix), "list keys"));
    }

    /// <inheritdoc />
    public IAsyncEnumerable<WatchEvent> WatchAsync(string prefix, long afterRevision, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _hub.Subscribe(prefix, afterRevision, cancellationToken);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<WatchEvent> WatchInlineAsync(string prefix, long afterRevision, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _hub.Subscribe(prefix, afterRevision, inline: true, cancellationToken);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<WatchEvent> WatchInlineAsync(IReadOnlyList<string> prefixes, long afterRevision, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _hub.Subscribe(prefixes, afterRevision, inline: true, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _hub.Close();
        await _writeGate.WaitAsync().ConfigureAwait(false);
        try
        {
            while (_readers.TryTake(out var reader))
            {
                await reader.DisposeAsync().ConfigureAwait(false);
            }

            // Closing the last connection checkpoints the WAL into the main file.
            _statements.Dispose();
            await _writer.DisposeAsync().ConfigureAwait(false);
            _fileLock.Dispose();
        }
        finally
        {
            _writeGate.Release();
        }

        await _syncGate.WaitAsync().ConfigureAwait(false); // no fsync runs on the WAL handle while it closes
        _wal?.Dispose();
        _syncGate.Release();
    }
}
