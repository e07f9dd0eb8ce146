using System.IO.Pipelines;
using Cnm.DaemonBench;

namespace Cnm.DaemonBench.Tests;

/// <summary>
/// The bench plugin's socket clock wraps each connection's reader. A read that was pending when the pipe returned it
/// and completed before the wrapper looked is backed by the pipe itself; the wrapper must consume it once and hand its
/// caller the result, not the same ValueTask (whose second GetResult throws, and Kestrel then dropped the connection).
/// </summary>
public sealed class SocketClockTests
{
    [Fact]
    public async Task TimedReader_AReadThatCompletedAfterItWasReturned_IsConsumedOnceAndCounted()
    {
        var pipe = new Pipe();
        var seen = 0;
        var reader = new SocketClock.TimedReader(new CompletesJustAfterReturning(pipe), () => seen++);

        var result = await reader.ReadAsync();

        Assert.Equal(3, result.Buffer.Length);
        Assert.Equal(1, seen);
        reader.AdvanceTo(result.Buffer.End);
        await pipe.Writer.WriteAsync(new byte[] { 4 });
        var next = await reader.ReadAsync();
        Assert.Equal(1, next.Buffer.Length);
        Assert.Equal(2, seen);
    }

    [Fact]
    public async Task TimedReader_APendingRead_IsCountedWhenItCompletes()
    {
        var pipe = new Pipe();
        var seen = 0;
        var reader = new SocketClock.TimedReader(pipe.Reader, () => seen++);

        var read = reader.ReadAsync();
        Assert.False(read.IsCompleted);
        await pipe.Writer.WriteAsync(new byte[] { 1, 2 });
        var result = await read;

        Assert.Equal(2, result.Buffer.Length);
        Assert.Equal(1, seen);
    }

    /// <summary>
    /// The race, made certain: the first read starts pending on the pipe, then bytes arrive before it is returned, as
    /// when Kestrel's receive loop wrote them on another thread in between.
    /// </summary>
    private sealed class CompletesJustAfterReturning(Pipe pipe) : PipeReader
    {
        private bool _first = true;

        public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
        {
            var read = pipe.Reader.ReadAsync(cancellationToken);
            if (_first)
            {
                _first = false;
                Assert.False(read.IsCompleted);
                var written = pipe.Writer.WriteAsync(new byte[] { 1, 2, 3 }, cancellationToken);
                Assert.True(written.IsCompletedSuccessfully);
            }

            return read;
        }

        public override void AdvanceTo(SequencePosition consumed) => pipe.Reader.AdvanceTo(consumed);

        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined) => pipe.Reader.AdvanceTo(consumed, examined);

        public override void CancelPendingRead() => pipe.Reader.CancelPendingRead();

        public override void Complete(Exception? exception = null) => pipe.Reader.Complete(exception);

        public override bool TryRead(out ReadResult result) => pipe.Reader.TryRead(out result);
    }
}
