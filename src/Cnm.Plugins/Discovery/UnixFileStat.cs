using System.Runtime.InteropServices;

namespace Cnm.Plugins.Discovery;

/// <summary>
/// <c>statx(2)</c>, because .NET does not tell a socket from a regular file, nor expose inode and
/// change time. The reference only accepts <c>NAME.sock</c> when it is a socket (docs/reference-host.md §1.2),
/// and the watcher needs inode and ctime to see a socket that was re-created.
/// </summary>
/// <remarks><c>struct statx</c> has the same layout on every Linux architecture, unlike <c>struct stat</c>.</remarks>
internal static partial class UnixFileStat
{
    private const int AtFdCwd = -100;
    private const uint StatxBasicStats = 0x07ff;
    private const int SIfMt = 0xF000;
    private const int SIfSock = 0xC000;
    private const int SIfReg = 0x8000;
    private const int SIfDir = 0x4000;

    /// <summary>The status of <paramref name="path"/> (symbolic links followed, as Go's <c>os.Stat</c>), or null when stat fails.</summary>
    public static FileStatus? Stat(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return StatPortable(path);
        }

        StatxBuffer buffer;
        try
        {
            if (NativeMethods.statx(AtFdCwd, path, 0, StatxBasicStats, out buffer) != 0)
            {
                return null; // like the reference, any stat error means "not here"
            }
        }
        catch (EntryPointNotFoundException)
        {
            return StatPortable(path); // a C library without statx (glibc older than 2.28)
        }

        var kind = (buffer.Mode & SIfMt) switch
        {
            SIfSock => FileKind.Socket,
            SIfReg => FileKind.Regular,
            SIfDir => FileKind.Directory,
            _ => FileKind.Other,
        };
        return new FileStatus(kind, buffer.Inode, (long)buffer.Size,
            buffer.ChangeSeconds * 1_000_000_000L + buffer.ChangeNanoseconds,
            buffer.ModifySeconds * 1_000_000_000L + buffer.ModifyNanoseconds);
    }

    private static FileStatus? StatPortable(string path)
    {
        // Without statx a socket cannot be told from a regular file; treat any non-directory as one.
        var info = new FileInfo(path);
        if (info.Exists)
        {
            var ticks = info.LastWriteTimeUtc.Ticks * 100;
            return new FileStatus(FileKind.Other, 0, info.Length, ticks, ticks);
        }

        return Directory.Exists(path) ? new FileStatus(FileKind.Directory, 0, 0, 0, 0) : null;
    }

    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct StatxBuffer
    {
        [FieldOffset(0x1C)] public ushort Mode;
        [FieldOffset(0x20)] public ulong Inode;
        [FieldOffset(0x28)] public ulong Size;
        [FieldOffset(0x60)] public long ChangeSeconds;
        [FieldOffset(0x68)] public uint ChangeNanoseconds;
        [FieldOffset(0x70)] public long ModifySeconds;
        [FieldOffset(0x78)] public uint ModifyNanoseconds;
    }

    private static class NativeMethods
    {
        [DllImport("libc", SetLastError = true, ExactSpelling = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags,
            uint mask, out StatxBuffer buffer);
    }
}
