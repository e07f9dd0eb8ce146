using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Cnm.Daemon.Hosting;

/// <summary>
/// Binds an API unix socket that is never more open than mode 0660 with the configured group, then hands
/// the bound socket to Kestrel (<c>ListenHandle</c>).
/// </summary>
/// <remarks>
/// bind(2) creates the socket file under the process umask, so a socket bound in place is, until chmod and
/// chown, as open as the umask allows (0777 under umask 0) and in the wrong group. Setting umask 0117 around the
/// bind would close that window, but the umask is process-wide: it would race with every other thread that
/// creates files or directories meanwhile (and make their directories unusable). Instead the socket is bound
/// inside a fresh directory of mode 0700 next to the final path, given its group and mode 0660 there, and only
/// then moved into place (link/rename on the same file system): nobody else can reach it before it has its
/// final group and mode.
/// </remarks>
internal static class UnixSocketBinder
{
    private const UnixFileMode SocketMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite;

    /// <summary>Binds <paramref name="path"/> with group <paramref name="groupId"/> and mode 0660; the caller owns the socket.</summary>
    public static Socket Bind(string path, int groupId)
    {
        var directory = Path.GetDirectoryName(path)!;
        // Short names: a unix socket path is limited to 107 bytes, and the staging path must fit too.
        var staging = Path.Combine(directory, $".cnmd-{Guid.NewGuid().ToString("N")[..8]}");
        Directory.CreateDirectory(staging, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            var temporary = Path.Combine(staging, "s");
            socket.Bind(new UnixDomainSocketEndPoint(temporary));
            if (NativeMethods.chown(temporary, uint.MaxValue, (uint)groupId) != 0)
            {
                throw new InvalidOperationException(
                    $"--group: cannot give socket {path} to group {groupId}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
            }

            File.SetUnixFileMode(temporary, SocketMode);
            File.Move(temporary, path, overwrite: false);
            return socket;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or SocketException)
        {
            socket.Dispose();
            throw new InvalidOperationException($"--host: cannot create socket {path}: {ex.Message}", ex);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        finally
        {
            try
            {
                Directory.Delete(staging, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Left behind only when the directory vanished or turned unwritable meanwhile.
            }
        }
    }

    private static class NativeMethods
    {
        [DllImport("libc", SetLastError = true, ExactSpelling = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int chown([MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint owner, uint group);
    }
}
