namespace Cnm.Core.Tests;

/// <summary>
/// <see cref="BlockingWork.LeaveEventThreadAsync"/> moves the code after the <c>await</c> to the thread pool, every
/// time. An async helper that yielded inside moved only its own empty rest: when the pool finished that before the
/// caller looked, the caller went on on its own thread (3 runs in 4 of this test failed so), and a store commit then
/// blocked cnmd's socket event thread for its fsync.
/// </summary>
public sealed class BlockingWorkTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60); // generous: the machine may be busy

    [Fact]
    public async Task LeaveEventThreadAsync_OffThePool_ContinuesOnThePoolEveryTime()
    {
        const int rounds = 3000;
        var stayed = 0;
        for (var i = 0; i < rounds; i++)
        {
            Task<bool>? after = null;
            var thread = new Thread(() => after = ContinuesOnThePoolAsync()) { IsBackground = true, Name = "test-event-thread" };
            thread.Start();
            Assert.True(thread.Join(Deadline), "the thread never returned from its await");
            if (!await after!.WaitAsync(Deadline))
            {
                stayed++;
            }
        }

        Assert.Equal(0, stayed);
    }

    [Fact]
    public async Task LeaveEventThreadAsync_AwaitedLaterOffThePool_StillContinuesOnThePool()
    {
        // Deterministic form of the race above: the old helper's empty rest had long finished on the pool by the time
        // its caller awaited it, so the caller always stayed on its own thread.
        for (var i = 0; i < 5; i++)
        {
            Task<bool>? after = null;
            var thread = new Thread(() => after = AwaitsLaterAsync()) { IsBackground = true, Name = "test-event-thread" };
            thread.Start();
            Assert.True(thread.Join(Deadline), "the thread never returned from its await");
            Assert.True(await after!.WaitAsync(Deadline), "the code after the await ran on the caller's thread");
        }
    }

    [Fact]
    public async Task LeaveEventThreadAsync_OnThePool_CompletesAtOnce()
    {
        await Task.Run(() =>
        {
            Assert.False(BlockingWork.MustLeave);
            Assert.True(BlockingWork.LeaveEventThreadAsync().IsCompleted);
        });
    }

    private static async Task<bool> AwaitsLaterAsync()
    {
        var leave = BlockingWork.LeaveEventThreadAsync();
        Thread.Sleep(20);
        await leave;
        return Thread.CurrentThread.IsThreadPoolThread;
    }

    private static async Task<bool> ContinuesOnThePoolAsync()
    {
        Assert.True(BlockingWork.MustLeave);
        await BlockingWork.LeaveEventThreadAsync();
        return Thread.CurrentThread.IsThreadPoolThread;
    }
}
