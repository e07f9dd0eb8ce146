namespace Cnm.Core;

/// <summary>
/// Where blocking work (a store commit and its fsync, netlink, files) may run. cnmd runs socket completions and its
/// request handlers inline on the runtime's socket event threads (spec/performance.md, "Fewer thread hops per plugin
/// call"); a thread that blocks there stalls every connection served by it. Code that blocks awaits
/// <see cref="LeaveEventThreadAsync"/> first, which continues on the thread pool when <see cref="MustLeave"/> is true.
/// </summary>
public static class BlockingWork
{
    /// <summary>True off the thread pool (a socket event thread, or a start-up thread): leave it before blocking.</summary>
    public static bool MustLeave => !Thread.CurrentThread.IsThreadPoolThread;

    /// <summary>Continues on the thread pool when <see cref="MustLeave"/>; completes at once on a pool thread.</summary>
    public static async ValueTask LeaveEventThreadAsync()
    {
        if (MustLeave)
        {
            await Task.Yield();
        }
    }
}
