using Cnm.Core.Store;
using Microsoft.Data.Sqlite;

namespace Cnm.Store.Sqlite;

/// <summary>Reads, each on a pooled reader connection of its own.</summary>
public sealed partial class SqliteKeyValueStore
{
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

    private static KeyValueEntry? ReadEntry(SqliteConnection connection, string key)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT value, create_rev, mod_rev, version FROM kv WHERE key = $key;";
        command.Parameters.AddWithValue("$key", key);
        using var reader = command.ExecuteReader();
        return reader.Read()
            ? new KeyValueEntry(key, reader.GetFieldValue<byte[]>(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3))
            : null;
    }
}
