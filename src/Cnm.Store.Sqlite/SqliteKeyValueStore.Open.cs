using Cnm.Core.Errors;
using Cnm.Core.Store;
using Microsoft.Data.Sqlite;

namespace Cnm.Store.Sqlite;

/// <summary>Opening: the directory, the owner-only file, the lock, the schema and the writer's journal and sync settings.</summary>
public sealed partial class SqliteKeyValueStore
{
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
            return Task.FromResult(new SqliteKeyValueStore(fullPath, fileLock, writer, connectionString, revision, options)
            {
                _syncWal = synchronous == "FULL",
            });
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

    private static void ConfigureWriter(SqliteConnection writer, string path, string synchronous)
    {
        var mode = ExecuteText(writer, "PRAGMA journal_mode = WAL;");
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
        {
            throw CnmException.Internal($"state file {path}: SQLite refused WAL journal mode (it reports \"{mode}\")");
        }

        // FULL: a write is acknowledged only once the WAL is on stable storage (spec/store.md, "Durability"). SQLite
        // itself runs NORMAL either way (no fsync per commit, the WAL synced at checkpoints); with FULL the store
        // syncs the WAL before it acknowledges a commit, one fsync for all the commits waiting (SqliteKeyValueStore.Sync.cs).
        if (synchronous is not ("FULL" or "NORMAL"))
        {
            throw new ArgumentOutOfRangeException(nameof(synchronous), synchronous, "FULL or NORMAL");
        }

        SqliteSchema.Execute(writer, null, "PRAGMA synchronous = NORMAL;");
    }

    private static string ExecuteText(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;
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
