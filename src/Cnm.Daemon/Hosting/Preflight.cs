using System.Net.Sockets;

namespace Cnm.Daemon.Hosting;

/// <summary>
/// Start-up checks that fail early with a message for people: directories that cannot be created or
/// written (the data root and exec root are created 0710, whatever the umask), and an API socket that another process is serving. A socket file nobody listens on is stale
/// (a crashed daemon) and is removed.
/// </summary>
internal static class Preflight
{
    /// <summary>Throws <see cref="InvalidOperationException"/> when cnmd cannot run with these options.</summary>
    public static void Run(DaemonOptions options)
    {
        EnsureWritableDirectory("--data-root", options.DataRoot, StateDirectoryMode);
        EnsureWritableDirectory("--exec-root", options.ExecRoot, StateDirectoryMode);
        foreach (var socket in options.SocketPaths)
        {
            EnsureWritableDirectory("--host (socket directory)", Path.GetDirectoryName(socket)!);
            ClaimSocketPath(socket);
        }
    }

    /// <summary>0710, as dockerd makes its roots: the owner has all, the group may only pass through, others nothing.</summary>
    public const UnixFileMode StateDirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute;

    private static void EnsureWritableDirectory(string flag, string path, UnixFileMode? createMode = null)
    {
        try
        {
            if (createMode is { } mode && !Directory.Exists(path))
            {
                Directory.CreateDirectory(path);
                File.SetUnixFileMode(path, mode); // chmod, not mkdir's mode: whatever the umask
            }

            Directory.CreateDirectory(path);
            var probe = Path.Combine(path, $".cnmd-probe-{Environment.ProcessId}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (IOException ex) when (ex.HResult == ReadOnlyFileSystem)
        {
            // Root ignores file modes, so for cnmd this is the usual way a data root is read-only: its mount.
            throw new InvalidOperationException(
                $"{flag} {path} is read-only: it is on a read-only file system ({ex.Message}). cnmd did not change anything there. "
                + $"Remount it read-write to make it writable, or choose another {flag}", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new InvalidOperationException(
                $"{flag} {path} is read-only for cnmd: permission denied ({ex.Message}). Fix its owner or mode to make it writable, or choose another {flag}", ex);
        }
        catch (IOException ex)
        {
            throw new InvalidOperationException($"{flag} {path} is not a writable directory: {ex.Message}", ex);
        }
    }

    // EROFS on Linux, which .NET puts in IOException.HResult.
    private const int ReadOnlyFileSystem = 30;

    private static void ClaimSocketPath(string path)
    {
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            return;
        }

        if (Directory.Exists(path) || !IsSocket(path))
        {
            throw new InvalidOperationException($"--host: {path} exists and is not a socket; remove it or choose another path");
        }

        using (var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            try
            {
                probe.Connect(new UnixDomainSocketEndPoint(path));
                throw new InvalidOperationException(
                    $"--host: socket {path} is in use: another process (another cnmd?) is listening on it");
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionRefused or SocketError.AddressNotAvailable)
            {
                // Nobody listens: a stale socket left by a daemon that did not shut down cleanly.
            }
            catch (SocketException ex)
            {
                throw new InvalidOperationException($"--host: cannot probe socket {path}: {ex.Message}", ex);
            }
        }

        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"--host: cannot remove stale socket {path}: {ex.Message}", ex);
        }
    }

    private static bool IsSocket(string path)
    {
        // .NET reports no file type for sockets in FileSystemInfo; a socket is neither a regular file nor a directory,
        // and opening it for reading fails with ENXIO.
        try
        {
            using var stream = File.OpenRead(path);
            return false;
        }
        catch (IOException)
        {
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            // Not ours to judge: let the connect probe decide.
            return true;
        }
    }
}
