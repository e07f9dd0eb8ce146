using System.Runtime.InteropServices;

namespace Cnm.Plugins.Sdk.Hosting;

/// <summary>The few libc calls .NET has no API for: a file's type, and a file's group.</summary>
internal static partial class NativeMethods
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x0001;
    private const int SIfMt = 0xF000;
    private const int SIfSock = 0xC000;

    /// <summary>True when <paramref name="path"/> itself (not a link target) is a unix socket.</summary>
    public static bool IsSocket(string path)
    {
        var buffer = new byte[256];
        if (statx(AtFdCwd, path, AtSymlinkNoFollow, StatxType, buffer) != 0)
        {
            return false;
        }

        var mode = BitConverter.ToUInt16(buffer, 0x1C); // struct statx.stx_mode, same offset on every architecture
        return (mode & SIfMt) == SIfSock;
    }

    /// <summary>Sets the group of <paramref name="path"/>, leaving its owner.</summary>
    public static void ChangeGroup(string path, int gid)
    {
        if (chown(path, uint.MaxValue, (uint)gid) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"cannot give {path} the group {gid}: {Marshal.GetPInvokeErrorMessage(errno)}");
        }
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int statx(int dirfd, string path, int flags, uint mask, [Out] byte[] buffer);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int chown(string path, uint owner, uint group);
}
