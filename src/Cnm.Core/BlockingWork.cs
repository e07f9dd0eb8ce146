using System.Runtime.CompilerServices;

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

    /// <summary>
    /// Awaited, continues on the thread pool when <see cref="MustLeave"/>; completes at once on a pool thread. The
    /// awaiter itself is queued, so the code after the <c>await</c> always runs on the pool: an async helper that
    /// yields inside would move only its own (empty) rest, and when the pool ran that before the caller looked, the
    /// caller went on synchronously on its event thread (SqliteCommitThreadTests caught it).
    /// </summary>
    public static LeaveAwaitable LeaveEventThreadAsync() => default;

    /// <summary>The awaitable (and awaiter) of <see cref="LeaveEventThreadAsync"/>; it decides when it is awaited.</summary>
    public readonly struct LeaveAwaitable : ICriticalNotifyCompletion
    {
        /// <summary>False when the awaiting code must move to the thread pool (it runs off the pool).</summary>
        public bool IsCompleted => !MustLeave;

        /// <summary>Returns this: the awaitable is its own awaiter.</summary>
        public LeaveAwaitable GetAwaiter() => this;

        /// <summary>Nothing to return.</summary>
        public void GetResult()
        {
        }

        /// <inheritdoc />
        public void OnCompleted(Action continuation) =>
            ThreadPool.QueueUserWorkItem(static run => run(), continuation, preferLocal: false);

        /// <inheritdoc />
        public void UnsafeOnCompleted(Action continuation) =>
            ThreadPool.UnsafeQueueUserWorkItem(static run => run(), continuation, preferLocal: false);
    }
}
