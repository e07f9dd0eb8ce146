using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Cnm.Store.Sqlite;

/// <summary>
/// Durability with <see cref="StoreSync.Full"/> (spec/store.md, "Durability"): SQLite writes every commit to the WAL
/// without syncing it (synchronous=NORMAL), and a commit that must survive a power loss is acknowledged only after an
/// fsync of the WAL file that began after its frames were written. One fsync covers every commit written before it
/// (group commit): concurrent writers that wait for the same sync share it, and commits made without sync
/// (<see cref="Core.Store.StoreTransaction.WithoutSync"/>, the intents) become durable with the next synced one.
/// </summary>
public sealed partial class SqliteKeyValueStore
{
    private readonly SemaphoreSlim _syncGate = new(1, 1);
    private bool _syncWal;
    private SafeFileHandle? _wal;
    private long _written; // commits written to the WAL, under the write gate
    private long _synced; // of those, the ones known to be on stable storage, under the sync gate
    private volatile Core.Errors.CnmException? _syncFailure; // once an fsync failed, no more writes

    /// <summary>
    /// A test's view of power loss: called after each fsync of the WAL, with the files exactly as they are on stable
    /// storage (no write runs between the fsync and the end of the call). Null outside tests.
    /// </summary>
    internal Action? AfterSync { get; set; }

    /// <summary>The fsyncs of the WAL made so far (for tests of group commit).</summary>
    internal long SyncCount { get; private set; }

    /// <summary>Returns once the commit numbered <paramref name="written"/> (and every earlier one) is on stable storage.</summary>
    private async Task SyncAsync(long written)
    {
        await _syncGate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (_synced >= written)
            {
                return; // a sync that began after this commit was written has covered it
            }

            if (AfterSync is { } hook)
            {
                await _writeGate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
                try
                {
                    _synced = FsyncWal();
                    hook();
                }
                finally
                {
                    _writeGate.Release();
                }
            }
            else
            {
                _synced = FsyncWal();
            }
        }
        finally
        {
            _syncGate.Release();
        }
    }

    // Returns the commits the fsync covers: those written before it began.
    private long FsyncWal()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var covered = Interlocked.Read(ref _written);
        if (_wal is null)
        {
            // A handle of its own (not a FileStream, which asks the kernel for its position each time it hands its
            // handle out), opened once: SQLite keeps the WAL file while any connection is open.
            _wal = File.OpenHandle(Path + "-wal", FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);

            // SQLite made the WAL when the store opened. Its directory entry is synced once, before the first commit is
            // acknowledged, as SQLite itself would on its first sync of a new file (which, with the store syncing, only
            // a checkpoint would make).
            SyncDirectory(System.IO.Path.GetDirectoryName(Path)!);
        }

        if (OperatingSystem.IsLinux())
        {
            DataSync(_wal);
        }
        else
        {
            RandomAccess.FlushToDisk(_wal);
        }

        SyncCount++;
        return covered;
    }

    // fsync of a directory, so that the files made in it stay there after a power loss (Linux only; elsewhere the
    // file system's own rules apply).
    private static void SyncDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var fd = OpenReadOnly(directory, 0); // O_RDONLY: enough to fsync a directory
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"cannot open directory {directory} to sync it: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})", errno);
        }

        try
        {
            if (FileSync(fd) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                throw new IOException($"fsync of directory {directory} failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})", errno);
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    // fdatasync: the file's data and the metadata that reading it back needs (its size and block allocation, so a WAL
    // that grew is covered), without the modification time an fsync also writes (FileStream.Flush(true) is an fsync).
    // Not what SQLite does here: the bundled e_sqlite3 syncs its own files with fsync (it imports no fdatasync).
    private static void DataSync(SafeFileHandle file)
    {
        while (FdataSync(file) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno != 4) // EINTR: interrupted before it synced anything; ask again
            {
                throw new IOException($"fdatasync of the write-ahead log failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})", errno);
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    private static partial int FdataSync(SafeFileHandle file);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenReadOnly(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FileSync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
