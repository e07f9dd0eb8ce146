using System.Collections.Concurrent;
using Cnm.Core.Errors;
using Cnm.Core.Store;
using Microsoft.Data.Sqlite;

namespace Cnm.Store.Sqlite;

/// <summary>
/// The embedded, durable <see cref="IKeyValueStore"/>: one SQLite file in WAL mode with
/// synchronous=FULL, owned by one process at a time (spec/store.md). Writes are serialised on one
/// connection; reads use their own connections and see the last committed state. Watches are served
/// from this process after each commit.
/// </summary>
public sealed partial class SqliteKeyValueStore : IKeyValueStore
{
    private readonly StoreFileLock _fileLock;
    private readonly SqliteConnection _writer;
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

    /// <summary>
    /// Opens (or creates) the state file at <paramref name="path"/>, creating its directory if needed.
    /// Fails with a clear error if another process has it open, if it is corrupt or not a Cnm store,
    /// or if a newer cnmd wrote it; in those cases the file is left untouched.
    /// </summary>
    public static Task<SqliteKeyValueStore> OpenAsync(string path, KeyValueStoreOptions? options, CancellationToken cancellationToken) =>
        OpenAsync(path, options, "FULL", cancellationToken);

    /// <summary>
    /// Opens (or creates) the state file as <see cref="OpenAsync(string, KeyValueStoreOptions?, CancellationToken)"/>
    /// does, acknowledging commits as <paramref name="sync"/> says.
    /// </summary>
    public static Task<SqliteKeyValueStore> OpenAsync(string path, KeyValueStoreOptions? options, StoreSync sync, CancellationToken cancellationToken) =>
        OpenAsync(path, options, sync switch
        {
            StoreSync.Full => "FULL",
            StoreSync.Normal => "NORMAL",
            _ => throw new ArgumentOutOfRangeException(nameof(sync), sync, "Full or Normal"),
        }, cancellationToken);

    /// <summary>Opens with a synchronous setting by its SQLite name (FULL or NORMAL); the benchmarks use it.</summary>
    internal static Task<SqliteKeyValueStore> OpenAsync(string path, KeyValueStoreOptions? options, string synchronous, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        cancellationToken.ThrowIfCancellationRequested();
        options ??= new KeyValueStoreOptions();
        options.Validate();
        var fullPath = System.IO.Path.GetFullPath(path);
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(fullPath)!);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CnmException(Cnm.Protocol.ErrorCategory.Forbidden,
                $"cannot open state file {fullPath}: its directory cannot be created ({ex.Message})", ex);
        }

        var fileLock = StoreFileLock.Acquire(fullPath);
        SqliteConnection? writer = null;
        try
        {
            CreateOwnerOnly(fullPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            fileLock.Dispose();
            throw new CnmException(Cnm.Protocol.ErrorCategory.Forbidden, $"cannot create state file {fullPath}: {ex.Message}", ex);
        }

        try
        {
            var connectionString = new SqliteConnectionStringBuilder
            {
                DataSource = fullPath,
                Mode = SqliteOpenMode.ReadWriteCreate,
                Cache = SqliteCacheMode.Private,
                Pooling = false,
                DefaultTimeout = 30,
            }.ToString();
            writer = new SqliteConnection(connectionString);
            writer.Open();
            SqliteSchema.EnsureSchema(writer, fullPath);
            ConfigureWriter(writer, fullPath, synchronous);
            var revision = SqliteSchema.Scalar(writer, "SELECT value FROM meta WHERE name = 'revision';");
            return Task.FromResult(new SqliteKeyValueStore(fullPath, fileLock, writer, connectionString, revision, options));
        }
        catch (SqliteException ex)
        {
            writer?.Dispose();
            fileLock.Dispose();
            throw SqliteStoreErrors.Map(ex, fullPath, "open the store");
        }
        catch
        {
            writer?.Dispose();
            fileLock.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public Task<KeyValueEntry?> GetAsync(string key, CancellationToken cancellationToken)
    {
        StoreKeys.Validate(key);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Read(connection => ReadEntry(connection, null, key), "read a key"));
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
            await _writer.DisposeAsync().ConfigureAwait(false);
            _fileLock.Dispose();
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private static void ConfigureWriter(SqliteConnection writer, string path, string synchronous)
    {
        var mode = ExecuteText(writer, "PRAGMA journal_mode = WAL;");
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
        {
            throw CnmException.Internal($"state file {path}: SQLite refused WAL journal mode (it reports \"{mode}\")");
        }

        // FULL: a write is acknowledged only once the WAL is on stable storage (spec/store.md, "Durability").
        if (synchronous is not ("FULL" or "NORMAL"))
        {
            throw new ArgumentOutOfRangeException(nameof(synchronous), synchronous, "FULL or NORMAL");
        }

        SqliteSchema.Execute(writer, null, $"PRAGMA synchronous = {synchronous};");
    }

    private static string ExecuteText(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;
    }

    private T Read<T>(Func<SqliteConnection, T> read, string action)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_readers.TryTake(out var connection))
        {
            connection = new SqliteConnection(_connectionString);
        }

        try
        {
            if (connection.State != System.Data.ConnectionState.Open)
            {
                connection.Open();
            }

            var result = read(connection);
            if (_disposed)
            {
                // Closed while this read ran: do not hand the connection back to a pool nobody will empty.
                connection.Dispose();
            }
            else
            {
                _readers.Add(connection);
            }

            return result;
        }
        catch (SqliteException ex)
        {
            connection.Dispose();
            throw SqliteStoreErrors.Map(ex, Path, action);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static KeyValueList ListEntries(SqliteConnection connection, string prefix)
    {
        // One read transaction, so the entries and the revision are the same snapshot.
        using var transaction = connection.BeginTransaction(deferred: true);
        var entries = new List<KeyValueEntry>();
        using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;

            // Keys under a prefix are contiguous from the prefix on, in BINARY (UTF-8 byte) order; stop at
            // the first key outside it. No LIKE: '%' and '_' in keys must stay literal.
            command.CommandText = "SELECT key, value, create_rev, mod_rev, version FROM kv WHERE key >= $prefix ORDER BY key;";
            command.Parameters.AddWithValue("$prefix", prefix);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var key = reader.GetString(0);
                if (!StoreKeys.HasPrefix(key, prefix))
                {
                    break;
                }

                entries.Add(new KeyValueEntry(key, reader.GetFieldValue<byte[]>(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4)));
            }
        }

        var revision = SqliteSchema.Scalar(connection, "SELECT value FROM meta WHERE name = 'revision';", transaction);
        transaction.Commit();
        return new KeyValueList(entries, revision);
    }

    private static KeyValueEntry? ReadEntry(SqliteConnection connection, SqliteTransaction? transaction, string key)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT value, create_rev, mod_rev, version FROM kv WHERE key = $key;";
        command.Parameters.AddWithValue("$key", key);
        using var reader = command.ExecuteReader();
        return reader.Read()
            ? new KeyValueEntry(key, reader.GetFieldValue<byte[]>(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3))
            : null;
    }

    /// <summary>
    /// Creates a missing state file empty with mode 0600 (set by chmod, so whatever the umask), before SQLite opens it:
    /// SQLite gives its write-ahead log and shared-memory files the database file's mode.
    /// </summary>
    private static void CreateOwnerOnly(string path)
    {
        if (File.Exists(path) || OperatingSystem.IsWindows())
        {
            return;
        }

        using (new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        {
        }

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }
}
