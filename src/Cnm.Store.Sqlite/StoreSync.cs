namespace Cnm.Store.Sqlite;

/// <summary>When a commit is acknowledged (cnmd's <c>--store-sync</c>; spec/store.md, "Durability").</summary>
public enum StoreSync
{
    /// <summary>
    /// SQLite's synchronous=FULL: a commit returns once the WAL is on stable storage, so an acknowledged
    /// operation survives kill -9 and power loss.
    /// </summary>
    Full,

    /// <summary>
    /// SQLite's synchronous=NORMAL: the WAL is synced only at checkpoints. An acknowledged operation survives
    /// kill -9 (the OS has the write), but a power loss may lose the last ones; the file stays consistent.
    /// </summary>
    Normal,
}
