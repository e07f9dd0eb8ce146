using Cnm.Core.Store;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Cnm.Store.Sqlite;

/// <summary>
/// The writer connection's statements, each parsed once and kept prepared: parsing the SQL of a commit's seven or so
/// statements anew was about a fifth of the instructions cnmd ran per network cycle with the SQLite store
/// (spec/performance.md, "A commit's statements prepared once"). BEGIN, COMMIT and ROLLBACK are commands of
/// Microsoft.Data.Sqlite, which waits out a lock held elsewhere; the statements inside the transaction, which holds
/// the write lock from BEGIN IMMEDIATE on, are SQLite's own statements on the same connection, stepped through
/// SQLitePCL.raw without a data reader per statement. Used only under the store's write gate; disposed before the
/// connection.
/// </summary>
internal sealed class WriterStatements : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly sqlite3 _db;
    private readonly SqliteCommand _begin;
    private readonly SqliteCommand _commit;
    private readonly SqliteCommand _rollback;
    private readonly sqlite3_stmt _read;
    private readonly sqlite3_stmt _put;
    private readonly sqlite3_stmt _delete;
    private readonly sqlite3_stmt _revision;

    public WriterStatements(SqliteConnection connection)
    {
        _connection = connection;
        _db = connection.Handle!;
        _begin = Command("BEGIN IMMEDIATE;");
        _commit = Command("COMMIT;");
        _rollback = Command("ROLLBACK;");
        _read = Prepare("SELECT value, create_rev, mod_rev, version FROM kv WHERE key = ?1;");
        _put = Prepare("INSERT OR REPLACE INTO kv (key, value, create_rev, mod_rev, version) VALUES (?1, ?2, ?3, ?4, ?5);");
        _delete = Prepare("DELETE FROM kv WHERE key = ?1;");
        _revision = Prepare("UPDATE meta SET value = ?1 WHERE name = 'revision';");
        Lookup = Read;
    }

    /// <summary><see cref="Read"/> as the planner's lookup, made once.</summary>
    public Func<string, KeyValueEntry?> Lookup { get; }

    /// <summary>True while a transaction is open on the writer (SQLite's autocommit is off).</summary>
    public bool InTransaction => raw.sqlite3_get_autocommit(_db) == 0;

    /// <summary>BEGIN IMMEDIATE: takes the write lock now, so no statement of the transaction waits for it.</summary>
    public void Begin() => _begin.ExecuteNonQuery();

    public void Commit() => _commit.ExecuteNonQuery();

    /// <summary>Rolls back the open transaction, if SQLite has not already done so itself (it may, on a full disk).</summary>
    public void RollbackIfOpen()
    {
        if (InTransaction)
        {
            _rollback.ExecuteNonQuery();
        }
    }

    public KeyValueEntry? Read(string key)
    {
        Check(raw.sqlite3_bind_text(_read, 1, key), _read);
        try
        {
            var rc = raw.sqlite3_step(_read);
            if (rc == raw.SQLITE_DONE)
            {
                return null;
            }

            Check(rc == raw.SQLITE_ROW ? raw.SQLITE_OK : rc, _read);
            return new KeyValueEntry(key, raw.sqlite3_column_blob(_read, 0).ToArray(), raw.sqlite3_column_int64(_read, 1),
                raw.sqlite3_column_int64(_read, 2), raw.sqlite3_column_int64(_read, 3));
        }
        finally
        {
            _ = raw.sqlite3_reset(_read);
        }
    }

    public void Put(KeyValueEntry entry)
    {
        Check(raw.sqlite3_bind_text(_put, 1, entry.Key), _put);
        Check(raw.sqlite3_bind_blob(_put, 2, entry.Value.Span), _put); // an empty span binds an empty blob, not NULL
        Check(raw.sqlite3_bind_int64(_put, 3, entry.CreateRevision), _put);
        Check(raw.sqlite3_bind_int64(_put, 4, entry.ModRevision), _put);
        Check(raw.sqlite3_bind_int64(_put, 5, entry.Version), _put);
        Run(_put);
    }

    public void Delete(string key)
    {
        Check(raw.sqlite3_bind_text(_delete, 1, key), _delete);
        Run(_delete);
    }

    public void SetRevision(long revision)
    {
        Check(raw.sqlite3_bind_int64(_revision, 1, revision), _revision);
        Run(_revision);
    }

    public void Dispose()
    {
        _begin.Dispose();
        _commit.Dispose();
        _rollback.Dispose();
        _read.Dispose();
        _put.Dispose();
        _delete.Dispose();
        _revision.Dispose();
    }

    // Steps a statement that returns no row, and resets it for the next use whatever the outcome.
    private void Run(sqlite3_stmt statement)
    {
        try
        {
            var rc = raw.sqlite3_step(statement);
            Check(rc == raw.SQLITE_DONE ? raw.SQLITE_OK : rc, statement);
        }
        finally
        {
            _ = raw.sqlite3_reset(statement);
        }
    }

    // Raises SQLite's error as Microsoft.Data.Sqlite does (a SqliteException with the connection's message), which
    // SqliteStoreErrors maps; the statement is reset by the caller's finally, or here when binding failed.
    private void Check(int rc, sqlite3_stmt statement)
    {
        if (rc != raw.SQLITE_OK)
        {
            try
            {
                SqliteException.ThrowExceptionForRC(rc, _db);
            }
            finally
            {
                _ = raw.sqlite3_reset(statement);
            }
        }
    }

    private sqlite3_stmt Prepare(string sql)
    {
        var rc = raw.sqlite3_prepare_v2(_db, sql, out var statement);
        if (rc != raw.SQLITE_OK)
        {
            statement?.Dispose();
            SqliteException.ThrowExceptionForRC(rc, _db);
        }

        return statement!;
    }

    private SqliteCommand Command(string sql)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }
}
