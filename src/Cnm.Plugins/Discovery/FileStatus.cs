namespace Cnm.Plugins.Discovery;

/// <summary>What <c>stat</c> says about a file: enough to tell its type and whether it was replaced.</summary>
/// <param name="Kind">The file type.</param>
/// <param name="Inode">The inode number; a re-created file gets a new one.</param>
/// <param name="Size">The size in bytes.</param>
/// <param name="ChangeTimeNs">Status change time (ctime), nanoseconds since the epoch.</param>
/// <param name="ModifyTimeNs">Modification time (mtime), nanoseconds since the epoch.</param>
internal readonly record struct FileStatus(FileKind Kind, ulong Inode, long Size, long ChangeTimeNs, long ModifyTimeNs)
{
    /// <summary>Changes whenever the file is re-created, rewritten or touched.</summary>
    public string Fingerprint => $"{Inode}:{ChangeTimeNs}:{ModifyTimeNs}:{Size}";
}
