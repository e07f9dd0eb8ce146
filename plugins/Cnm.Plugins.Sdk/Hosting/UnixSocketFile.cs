using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Cnm.Plugins.Sdk.Hosting;

/// <summary>The socket file of <see cref="PluginHostingExtensions.ListenPluginSocket"/>: path rules, stale files, cleanup.</summary>
internal static class UnixSocketFile
{
    // sockaddr_un.sun_path is 108 bytes on Linux, including the terminating NUL.
    private const int MaxPathBytes = 107;

    public static string PathFor(string name, string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (Path.IsPathRooted(name))
        {
            return name;
        }

        if (name.Contains('/', StringComparison.Ordinal) || name is "." or "..")
        {
            throw new ArgumentException(
                $"plugin name \"{name}\" must be a plain name (the host finds NAME.sock) or an absolute socket path", nameof(name));
        }

        return Path.Combine(directory, name + ".sock");
    }

    /// <summary>Creates the directory and clears a stale socket; refuses a live one or a file that is no socket.</summary>
    public static void Prepare(string path, ILogger logger)
    {
        if (Encoding.UTF8.GetByteCount(path) > MaxPathBytes)
        {
            throw new InvalidOperationException($"socket path \"{path}\" is too long (the limit is {MaxPathBytes} bytes)");
        }

        var directory = Path.GetDirectoryName(path)!;
        if (!Directory.Exists(directory))
        {
            CreateDirectory(directory);
        }

        if (!Path.Exists(path) && !NativeMethods.IsSocket(path))
        {
            return;
        }

        if (!NativeMethods.IsSocket(path))
        {
            throw new InvalidOperationException($"{path} exists and is not a socket; not replacing it");
        }

        if (IsListening(path))
        {
            throw new InvalidOperationException($"{path} is in use: another process is listening on it");
        }

        File.Delete(path);
        SdkLog.RemovedStaleSocket(logger, path);
    }

    public static void Secure(string path, PluginSocketOptions options)
    {
        if (options.GroupId is { } gid)
        {
            NativeMethods.ChangeGroup(path, gid);
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, options.Mode);
        }
    }

    /// <summary>Creates a directory with mode 0755, as the reference creates its plugin directories.</summary>
    public static void CreateDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
            return;
        }

        Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
    }

    public static void Remove(string path, ILogger logger)
    {
        try
        {
            if (NativeMethods.IsSocket(path))
            {
                File.Delete(path);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            SdkLog.CleanupFailed(logger, path, ex.Message);
        }
    }

    private static bool IsListening(string path)
    {
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(path));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
