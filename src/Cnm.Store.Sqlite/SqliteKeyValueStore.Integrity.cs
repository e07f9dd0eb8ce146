using System.Globalization;
using Cnm.Core.Errors;
using Cnm.Core.Store;
using Microsoft.Data.Sqlite;

namespace Cnm.Store.Sqlite;

/// <summary>Recovery tools: the integrity check behind `cnmd --check`, and online backup.</summary>
public sealed partial class SqliteKeyValueStore
{
    /// <summary>
    /// Runs SQLite's own PRAGMA integrity_check and then checks the store's invariants: schema marks,
    /// a revision row, valid keys, and for every key 1 ≤ create_rev ≤ mod_rev ≤ revision and
    /// 1 ≤ version ≤ mod_rev − create_rev + 1. Reports problems instead of throwing.
    /// </summary>
    public Task<StoreIntegrityReport> IntegrityCheckAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Read(CheckIntegrity, "check integrity"));
    }

    /// <summary>
    /// Writes a consistent copy of the store to <paramref name="destinationPath"/> (SQLite VACUUM INTO)
    /// while the store stays in use. The destination must not exist yet.
    /// </summary>
    public Task BackupToAsync(string destinationPath, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(destinationPath);
        cancellationToken.ThrowIfCancellationRequested();
        var fullPath = System.IO.Path.GetFullPath(destinationPath);
        if (File.Exists(fullPath))
        {
            throw CnmException.Conflict($"cannot back up state file {Path} to {fullPath}: that file already exists");
        }

        Read(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "VACUUM INTO $path;";
            command.Parameters.AddWithValue("$path", fullPath);
            command.ExecuteNonQuery();
            return true;
        }, "back up to " + fullPath);
        return Task.CompletedTask;
    }

    private StoreIntegrityReport CheckIntegrity(SqliteConnection connection)
    {
        try
        {
            return CheckIntegrityOrThrow(connection);
        }
        catch (SqliteException ex)
        {
            // Damage bad enough that SQLite cannot even walk the file is a finding, not a crash of the check.
            return new StoreIntegrityReport(Path, -1, -1, ["sqlite: " + ex.Message]);
        }
    }

    private StoreIntegrityReport CheckIntegrityOrThrow(SqliteConnection connection)
    {
        var problems = new List<string>();
        using var transaction = connection.BeginTransaction(deferred: true);
        using (var check = connection.CreateCommand())
        {
            check.Transaction = transaction;
            check.CommandText = "PRAGMA integrity_check;";
            using var reader = check.ExecuteReader();
            while (reader.Read())
            {
                var line = reader.GetString(0);
                if (line != "ok")
                {
                    problems.Add("sqlite: " + line);
                }
            }
        }

        var applicationId = SqliteSchema.Scalar(connection, "PRAGMA application_id;", transaction);
        var version = SqliteSchema.Scalar(connection, "PRAGMA user_version;", transaction);
        if (applicationId != SqliteSchema.ApplicationId || version != SqliteSchema.CurrentVersion)
        {
            problems.Add(Invariant($"schema marks: application_id {applicationId}, user_version {version}; expected {SqliteSchema.ApplicationId}, {SqliteSchema.CurrentVersion}"));
        }

        var revisionRows = SqliteSchema.Scalar(connection, "SELECT count(*) FROM meta WHERE name = 'revision';", transaction);
        var revision = revisionRows == 1 ? SqliteSchema.Scalar(connection, "SELECT value FROM meta WHERE name = 'revision';", transaction) : -1;
        if (revisionRows != 1 || revision < 0)
        {
            problems.Add("meta: the store revision row is missing or negative");
        }

        long keys = 0;
        using (var rows = connection.CreateCommand())
        {
            rows.Transaction = transaction;
            rows.CommandText = "SELECT key, typeof(value), create_rev, mod_rev, version FROM kv ORDER BY key;";
            using var reader = rows.ExecuteReader();
            while (reader.Read())
            {
                keys++;
                CheckRow(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), revision, problems);
            }
        }

        transaction.Commit();
        return new StoreIntegrityReport(Path, revision, keys, problems);
    }

    private static void CheckRow(string key, string valueType, long create, long mod, long version, long revision, List<string> problems)
    {
        try
        {
            StoreKeys.Validate(key);
        }
        catch (CnmException ex)
        {
            problems.Add("key: " + ex.Message);
        }

        if (valueType != "blob")
        {
            problems.Add(Invariant($"key \"{key}\": value is {valueType}, not a blob"));
        }

        if (create < 1 || mod < create || mod > revision)
        {
            problems.Add(Invariant($"key \"{key}\": revisions out of order: create {create}, mod {mod}, store {revision}"));
        }

        if (version < 1 || version > mod - create + 1)
        {
            problems.Add(Invariant($"key \"{key}\": version {version} impossible between create {create} and mod {mod}"));
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
