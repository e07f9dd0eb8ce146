using Cnm.Plugins.Watching;

namespace Cnm.Plugins.Tests.Watching;

public sealed class DirectoryWatchSetBufferTests
{
    [Fact]
    public void BufferSize_WatcherBuffer_AllocatedOnLargeObjectHeap()
    {
        // The watcher's thread keeps its buffer pinned while it waits on inotify; on the large-object heap the pin keeps
        // no region of short-lived objects resident (spec/performance.md, "Idle RSS, continued"). A byte[] of this size
        // is what FileSystemWatcher allocates for InternalBufferSize.
        var buffer = new byte[DirectoryWatchSet.BufferSize];
        Assert.Equal(GC.MaxGeneration, GC.GetGeneration(buffer));
    }
}
