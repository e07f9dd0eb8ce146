using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;

namespace Cnm.DaemonBench;

/// <summary>
/// The plugin's second counter, socket to socket: a Kestrel connection middleware that wraps each connection's
/// transport and times every counted request from the moment its first bytes are read off the connection to the first
/// flush of its response into the connection (<see cref="PluginCounters.AddSocket"/>). Kestrel's request parsing,
/// routing and response writing fall inside it; the socket's own wake-ups and the write to the socket outside.
/// A request counts when its handler calls <see cref="MarkCounted"/> (the counters' own GET does not). One request at a
/// time per connection (HTTP/1.1 without pipelining, as every client of the benchmark sends).
/// </summary>
internal sealed class SocketClock(PluginCounters counters)
{
    private readonly ConcurrentDictionary<string, Timing> _connections = new(StringComparer.Ordinal);

    /// <summary>The middleware for <c>ListenOptions.Use</c>.</summary>
    public Func<ConnectionDelegate, ConnectionDelegate> Middleware => next => async connection =>
    {
        var timing = new Timing(counters);
        _connections[connection.ConnectionId] = timing;
        var transport = connection.Transport;
        connection.Transport = new TimedPipe(transport, timing);
        try
        {
            await next(connection).ConfigureAwait(false);
        }
        finally
        {
            connection.Transport = transport;
            _connections.TryRemove(connection.ConnectionId, out _);
        }
    };

    /// <summary>Counts the request now in progress on connection <paramref name="connectionId"/> (HttpContext.Connection.Id).</summary>
    public void MarkCounted(string connectionId, string method)
    {
        if (_connections.TryGetValue(connectionId, out var timing))
        {
            timing.Counted = true;
            timing.Method = method;
        }
    }

    private sealed class Timing(PluginCounters counters)
    {
        private bool _inRequest;
        private long _start;

        public bool Counted { get; set; }

        public string Method { get; set; } = "";

        public void OnRead()
        {
            if (!_inRequest)
            {
                _inRequest = true;
                Counted = false;
                _start = Stopwatch.GetTimestamp();
            }
        }

        public void OnFlush()
        {
            if (_inRequest)
            {
                _inRequest = false;
                if (Counted)
                {
                    var end = Stopwatch.GetTimestamp();
                    counters.AddSocket(end - _start);
                    counters.Timeline?.Enqueue((_start, end, Method));
                }
            }
        }
    }

    private sealed class TimedPipe(IDuplexPipe inner, Timing timing) : IDuplexPipe
    {
        public PipeReader Input { get; } = new TimedReader(inner.Input, timing.OnRead);

        public PipeWriter Output { get; } = new TimedWriter(inner.Output, timing);
    }

    /// <summary>
    /// A reader that calls <paramref name="onRead"/> whenever a read returns bytes. Each read's ValueTask is consumed
    /// once: a pending read that completed between <c>ReadAsync</c> and the check is backed by the pipe itself, and a
    /// second GetResult of it throws "Reading is already in progress", which Kestrel took for a broken connection and
    /// closed it without an answer (the benchmark's rare ResponseEnded, spec/performance.md).
    /// </summary>
    internal sealed class TimedReader(PipeReader inner, Action onRead) : PipeReader
    {
        public override void AdvanceTo(SequencePosition consumed) => inner.AdvanceTo(consumed);

        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined) => inner.AdvanceTo(consumed, examined);

        public override void CancelPendingRead() => inner.CancelPendingRead();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
        {
            var read = inner.ReadAsync(cancellationToken);
            if (read.IsCompletedSuccessfully)
            {
                var result = read.Result;
                Seen(result);
                return new ValueTask<ReadResult>(result);
            }

            return Await(read);
        }

        public override bool TryRead(out ReadResult result)
        {
            if (!inner.TryRead(out result))
            {
                return false;
            }

            Seen(result);
            return true;
        }

        private async ValueTask<ReadResult> Await(ValueTask<ReadResult> read)
        {
            var result = await read.ConfigureAwait(false);
            Seen(result);
            return result;
        }

        private void Seen(ReadResult result)
        {
            if (!result.Buffer.IsEmpty)
            {
                onRead();
            }
        }
    }

    private sealed class TimedWriter(PipeWriter inner, Timing timing) : PipeWriter
    {
        public override void Advance(int bytes) => inner.Advance(bytes);

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            timing.OnFlush();
            return inner.FlushAsync(cancellationToken);
        }

        public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);
    }
}
