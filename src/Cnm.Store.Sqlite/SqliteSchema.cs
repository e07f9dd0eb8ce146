using System.Globalization;
using Cnm.Core.Errors;
using Microsoft.Data.Sqlite;

namespace Cnm.Store.Sqlite;

/// <summary>
/// The layout of the state file (spec/store.md, "File layout"): PRAGMA application_id marks it as
/// Cnm's, PRAGMA user_version is the schema version, table meta holds the store revision, table kv the keys.
/// </summary>
internal static class SqliteSchema
{
    /// <summary>"CNM1" in ASCII: tells a Cnm state file from any other SQLite file.</summary>
    public const long ApplicationId = 0x434E4D31;

    /// <summary>The schema version this build writes and reads.</summary>
    public const long CurrentVersion = 1;

    private const string CreateV1 = """
        CREATE TABLE meta (
            name TEXT PRIMARY KEY NOT NULL,
            value INTEGER NOT NULL
        ) WITHOUT ROWID, STRICT;
        INSERT INTO meta (name, value) VALUES ('revision', 0);
        CREATE TABLE kv (
            key TEXT PRIMARY KEY NOT NULL,
            value BLOB NOT NULL,
            create_rev INTEGER NOT NULL,
            mod_rev INTEGER NOT NULL,
            version INTEGER NOT NULL
        ) WITHOUT ROWID, STRICT;
        """;

    /// <summary>
    /// Checks that the file is a Cnm store this build can read, creating the schema in an empty file.
    /// Nothing is changed in a file that fails a check.
    /// </summary>
    public static void EnsureSchema(SqliteConnection connection, string path)
    {
        var applicationId = Scalar(connection, "PRAGMA application_id;");
        var version = Scalar(connection, "PRAGMA user_version;");
        var tables = Scalar(connection, "SELECT count(*) FROM sqlite_schema;");
        if (applicationId == 0 && version == 0 && tables == 0)
        {
            using var transaction = connection.BeginTransaction(deferred: false);
            Execute(connection, transaction, CreateV1);
            Execute(connection, transaction, string.Create(CultureInfo.InvariantCulture,
                $"PRAGMA application_id = {ApplicationId}; PRAGMA user_version = {CurrentVersion};"));
            transaction.Commit();
            return;
        }

        if (applicationId != ApplicationId)
        {
            throw SqliteStoreErrors.Corrupted(path, string.Create(CultureInfo.InvariantCulture,
                $"it is a SQLite database of another application: application_id {applicationId}, expected {ApplicationId}"));
        }

        if (version > CurrentVersion)
        {
            throw CnmException.Internal(string.Create(CultureInfo.InvariantCulture,
                $"state file {path} has schema version {version}, newer than this cnmd understands ({CurrentVersion}); it was written by a newer cnmd. cnmd did not change it. Run that newer cnmd, or restore a backup made by this version (spec/store.md)"));
        }

        if (version < 1)
        {
            throw SqliteStoreErrors.Corrupted(path, string.Create(CultureInfo.InvariantCulture, $"schema version {version} is not valid"));
        }
    }

    public static long Scalar(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    public static void Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        command.ExecuteNonQuery();
    }
}
