using Cnm.Plugins.Discovery;

namespace Cnm.Plugins.Watching;

/// <summary>
/// File system watchers over the plugin directories, subdirectories included. A directory that does not
/// exist yet is watched through its nearest existing ancestor, for the one name that leads to it;
/// <see cref="Refresh"/> moves the watch onto the directory once it appears or is re-created.
/// </summary>
internal sealed class DirectoryWatchSet(IReadOnlyList<string> roots, Action changed, Action<Exception> failed) : IDisposable
{
    private readonly Dictionary<string, Watch> _watches = new(StringComparer.Ordinal);

    /// <summary>Creates, moves or drops watchers to match the directories as they are now.</summary>
    public void Refresh()
    {
        foreach (var root in roots.Distinct(StringComparer.Ordinal))
        {
            var wanted = Target(root);
            if (_watches.TryGetValue(root, out var current) && current.Matches(wanted))
            {
                continue;
            }

            current?.Watcher.Dispose();
            _watches.Remove(root);
            if (wanted is null)
            {
                continue; // nothing on the way exists; the periodic rescan looks again
            }

            try
            {
                _watches[root] = new Watch(wanted.Value, Start(wanted.Value));
            }
            catch (Exception ex) when (ex is IOException or ArgumentException or UnauthorizedAccessException or PlatformNotSupportedException)
            {
                failed(ex); // e.g. inotify limits reached, or the directory vanished meanwhile: the rescan still works
            }
        }
    }

    private static WatchTarget? Target(string root)
    {
        if (UnixFileStat.Stat(root) is { Kind: FileKind.Directory } status)
        {
            return new WatchTarget(root, null, status.Inode);
        }

        // Watch the nearest existing ancestor for the creation of the next directory on the way.
        var child = root;
        for (var parent = Path.GetDirectoryName(root); parent is not null; child = parent, parent = Path.GetDirectoryName(parent))
        {
            if (UnixFileStat.Stat(parent) is { Kind: FileKind.Directory } ancestor)
            {
                return new WatchTarget(parent, Path.GetFileName(child), ancestor.Inode);
            }
        }

        return null;
    }

    /// <summary>
    /// The watcher's read buffer, in bytes: above the large-object threshold (85,000 bytes), so that it is allocated on
    /// the large-object heap. On Linux the watcher's thread holds its buffer pinned while it waits in read(2) on the
    /// inotify handle, that is, always; a small buffer lies among the start-up's short-lived objects, and its pin keeps
    /// their whole 4 MB GC region resident after every collection (spec/performance.md, "Idle RSS, continued").
    /// </summary>
    internal const int BufferSize = 96 * 1024;

    private FileSystemWatcher Start(WatchTarget target)
    {
        var watcher = new FileSystemWatcher(target.Directory)
        {
            InternalBufferSize = BufferSize,
            IncludeSubdirectories = target.Filter is null,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite
                | NotifyFilters.Attributes | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        if (target.Filter is not null)
        {
            watcher.Filter = target.Filter;
        }

        watcher.Created += (_, _) => changed();
        watcher.Deleted += (_, _) => changed();
        watcher.Changed += (_, _) => changed();
        watcher.Renamed += (_, _) => changed();
        watcher.Error += (_, e) =>
        {
            failed(e.GetException());
            changed(); // events may have been lost: scan
        };
        watcher.EnableRaisingEvents = true;
        return watcher;
    }

    public void Dispose()
    {
        foreach (var watch in _watches.Values)
        {
            watch.Watcher.Dispose();
        }

        _watches.Clear();
    }

    /// <param name="Directory">The directory watched.</param>
    /// <param name="Filter">For an ancestor, the name of the next directory towards the root; null for the root itself.</param>
    /// <param name="Inode">Its inode: a directory removed and made again needs a new watch.</param>
    private readonly record struct WatchTarget(string Directory, string? Filter, ulong Inode);

    private sealed record Watch(WatchTarget Target, FileSystemWatcher Watcher)
    {
        public bool Matches(WatchTarget? other) => other == Target;
    }
}
