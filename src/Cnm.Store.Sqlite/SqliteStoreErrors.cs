using Cnm.Core.Errors;
using Microsoft.Data.Sqlite;

namespace Cnm.Store.Sqlite;

/// <summary>Turns SQLite failures into errors that name the state file, the reason and what to do.</summary>
internal static class SqliteStoreErrors
{
    private const int Busy = 5;
    private const int Locked = 6;
    private const int ReadOnly = 8;
    private const int IoError = 10;
    private const int Corrupt = 11;
    private const int Full = 13;
    private const int CantOpen = 14;
    private const int NotADatabase = 26;

    public static CnmException Map(SqliteException ex, string path, string action) => ex.SqliteErrorCode switch
    {
        Corrupt or NotADatabase => Corrupted(path, ex.Message, ex),
        Full => new CnmException(Cnm.Protocol.ErrorCategory.Unavailable,
            $"cannot {action} in state file {path}: the disk is full ({ex.Message}); nothing was written. Free space on that file system and retry", ex),
        ReadOnly => new CnmException(Cnm.Protocol.ErrorCategory.Forbidden,
            $"cannot {action} in state file {path}: it is read-only ({ex.Message}); nothing was written. Make the data root writable", ex),
        CantOpen => new CnmException(Cnm.Protocol.ErrorCategory.Unavailable,
            $"cannot {action}: state file {path} cannot be opened ({ex.Message}). Check that its directory exists and is writable", ex),
        Busy or Locked => new CnmException(Cnm.Protocol.ErrorCategory.Unavailable,
            $"cannot {action} in state file {path}: it stayed locked by another connection ({ex.Message}); nothing was written. Retry", ex),
        IoError => new CnmException(Cnm.Protocol.ErrorCategory.Unavailable,
            $"cannot {action} in state file {path}: I/O error ({ex.Message}); nothing was written. Check the disk", ex),
        _ => CnmException.Internal($"cannot {action} in state file {path}: {ex.Message}", ex),
    };

    /// <summary>The WAL's fsync failed after a commit was written: whether it reached the disk is unknown.</summary>
    public static CnmException Unsynced(IOException ex, string path) => new(Cnm.Protocol.ErrorCategory.Unavailable,
        $"state file {path}: a change was written but syncing it to the disk failed ({ex.Message}); it may be lost at a " +
        "power loss, and the store takes no more writes. Check the disk and restart cnmd", ex);

    public static CnmException Corrupted(string path, string detail, Exception? inner = null) =>
        CnmException.Internal(
            $"state file {path} is corrupt or not a Cnm store ({detail}). cnmd did not change it. " +
            "Restore it from a backup, or move it aside to start with an empty state (spec/store.md, \"Backup and restore\")",
            inner);
}
