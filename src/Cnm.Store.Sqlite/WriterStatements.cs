using System.Runtime.InteropServices;
using Cnm.Core.Store;
using Microsoft.Data.Sqlite;

namespace Cnm.Store.Sqlite;

/// <summary>
/// The writer connection's statements, each parsed once and kept prepared: parsing the SQL of a commit's seven or so
/// statements anew was about a fifth of the instructions cnmd ran per network cycle with the SQLite store
/// (spec/performance.md, "A commit's statements prepared once"). The transaction is begun and ended by statements of
/// its own rather than a <see cref="SqliteTransaction"/>, whose BEGIN and COMMIT are parsed again each time. Used only
/// under the store's write gate; disposed before the connection.
/// </summary>
internal sealed class WriterStatements : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _begin;
    private readonly SqliteCommand _commit;
    private readonly SqliteCommand _rollback;
    private readonly SqliteCommand _read;
    private readonly SqliteParameter _readKey;
    private readonly SqliteCommand _put;
    private readonly SqliteParameter _putKey;
    private readonly SqliteParameter _putValue;
    private readonly SqliteParameter _putCreate;
    private readonly SqliteParameter _putMod;
    private readonly SqliteParameter _putVersion;
    private readonly SqliteCommand _delete;
    private readonly SqliteParameter _deleteKey;
    private readonly SqliteCommand _revision;
    private readonly SqliteParameter _revisionValue;

    public WriterStatements(SqliteConnection connection)
    {
        _connection = connection;
        _begin = Command("BEGIN IMMEDIATE;");
        _commit = Command("COMMIT;");
        _rollback = Command("ROLLBACK;");
        _read = Command("SELECT value, create_rev, mod_rev, version FROM kv WHERE key = $key;");
        _readKey = _read.Parameters.Add("$key", SqliteType.Text);
        _put = Command("INSERT OR REPLACE INTO kv (key, value, create_rev, mod_rev, version) VALUES ($key, $value, $create, $mod, $version);");
        _putKey = _put.Parameters.Add("$key", SqliteType.Text);
        _putValue = _put.Parameters.Add("$value", SqliteType.Blob);
        _putCreate = _put.Parameters.Add("$create", SqliteType.Integer);
        _putMod = _put.Parameters.Add("$mod", SqliteType.Integer);
        _putVersion = _put.Parameters.Add("$version", SqliteType.Integer);
        _delete = Command("DELETE FROM kv WHERE key = $key;");
        _deleteKey = _delete.Parameters.Add("$key", SqliteType.Text);
        _revision = Command("UPDATE meta SET value = $revision WHERE name = 'revision';");
        _revisionValue = _revision.Parameters.Add("$revision", SqliteType.Integer);
        Lookup = Read;
    }

    /// <summary><see cref="Read"/> as the planner's lookup, made once.</summary>
    public Func<string, KeyValueEntry?> Lookup { get; }

    /// <summary>True while a transaction is open on the writer (SQLite's autocommit is off).</summary>
    public bool InTransaction => SQLitePCL.raw.sqlite3_get_autocommit(_connection.Handle) == 0;

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
        _readKey.Value = key;
        using var reader = _read.ExecuteReader();
        return reader.Read()
            ? new KeyValueEntry(key, reader.GetFieldValue<byte[]>(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3))
            : null;
    }

    public void Put(KeyValueEntry entry)
    {
        _putKey.Value = entry.Key;
        _putValue.Value = WholeArray(entry.Value);
        _putCreate.Value = entry.CreateRevision;
        _putMod.Value = entry.ModRevision;
        _putVersion.Value = entry.Version;
        _put.ExecuteNonQuery();
    }

    public void Delete(string key)
    {
        _deleteKey.Value = key;
        _delete.ExecuteNonQuery();
    }

    public void SetRevision(long revision)
    {
        _revisionValue.Value = revision;
        _revision.ExecuteNonQuery();
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

    // The bytes as the array that holds exactly them (a transaction's values are copies of their own, never written
    // again), or a copy when they are part of a larger one: SQLite binds a byte[] only.
    private static byte[] WholeArray(ReadOnlyMemory<byte> value) =>
        MemoryMarshal.TryGetArray(value, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : value.ToArray();

    private SqliteCommand Command(string sql)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }
}
