using Cnm.Core.Errors;
using Cnm.Protocol;

namespace Cnm.Store.Sqlite;

/// <summary>
/// The single-writer guard: an exclusive lock on "&lt;state file&gt;.lock", held while the store is open.
/// On Linux .NET takes it with flock(LOCK_EX | LOCK_NB) for FileShare.None; the kernel drops it when the
/// process dies, even by SIGKILL, so a crash never leaves a stale lock behind (spec/store.md, "One writer").
/// </summary>
internal sealed class StoreFileLock : IDisposable
{
    private readonly FileStream _stream;

    private StoreFileLock(FileStream stream)
    {
        _stream = stream;
    }

    public static StoreFileLock Acquire(string databasePath)
    {
        var lockPath = databasePath + ".lock";
        try
        {
            var stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            try
            {
                stream.SetLength(0);
                var pid = System.Text.Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n");
                stream.Write(pid);
                stream.Flush();
            }
            catch (IOException)
            {
                // The pid is only a hint for people; the lock is what matters.
            }

            return new StoreFileLock(stream);
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException || (ex is IOException && ex.HResult == ReadOnlyFileSystem))
        {
            throw new CnmException(ErrorCategory.Forbidden,
                $"cannot open state file {databasePath}: its lock file {lockPath} cannot be created or opened ({ex.Message}). Make the data root writable", ex);
        }
        catch (IOException ex) when (File.Exists(lockPath) && IsHeldElsewhere(ex))
        {
            throw new CnmException(ErrorCategory.Unavailable,
                $"state file {databasePath} is in use by another process (it holds {lockPath}); only one cnmd may use a data root. Stop the other cnmd or choose another data root", ex);
        }
        catch (IOException ex)
        {
            throw new CnmException(ErrorCategory.Unavailable,
                $"cannot open state file {databasePath}: its lock file {lockPath} cannot be opened ({ex.Message})", ex);
        }
    }

    public void Dispose() => _stream.Dispose();

    // .NET reports a failed flock as a sharing violation carrying errno EWOULDBLOCK (11 on Linux).
    private const int EWouldBlock = 11;

    // EROFS on Linux: the data root is on a read-only mount.
    private const int ReadOnlyFileSystem = 30;

    private static bool IsHeldElsewhere(IOException ex) =>
        ex.HResult == EWouldBlock || ex.Message.Contains("being used by another process", StringComparison.OrdinalIgnoreCase);
}
