using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;

namespace Cnm.DaemonBench;

/// <summary>
/// Calls and time spent in the plugin's handlers, per method: from the handler's entry (before the body is read) to
/// the response's completion (after the body is flushed). Kestrel's request parsing and the socket fall outside.
/// Beside them, the socket-to-socket time of the same requests (<see cref="SocketClock"/>), in total.
/// </summary>
internal sealed class PluginCounters
{
    private readonly ConcurrentDictionary<string, MethodCounter> _methods = new(StringComparer.Ordinal);
    private readonly MethodCounter _socket = new();

    public void Add(string method, long ticks)
    {
        var counter = _methods.GetOrAdd(method, _ => new MethodCounter());
        Interlocked.Increment(ref counter.Calls);
        Interlocked.Add(ref counter.Ticks, ticks);
    }

    /// <summary>With CNM_BENCH_TIMELINE=1, every counted request's first-byte and flush timestamps (Stopwatch ticks) and method.</summary>
    public ConcurrentQueue<(long Start, long End, string Method)>? Timeline { get; } =
        Environment.GetEnvironmentVariable("CNM_BENCH_TIMELINE") == "1" ? new() : null;

    /// <summary>One counted request's time from its first bytes read to its response's first flush.</summary>
    public void AddSocket(long ticks)
    {
        Interlocked.Increment(ref _socket.Calls);
        Interlocked.Add(ref _socket.Ticks, ticks);
    }

    /// <summary>The counters as JSON: <c>{"Calls":N,"Seconds":S,"SocketCalls":N,"SocketSeconds":S,"Methods":{"Driver.Method":{"Calls":N,"Seconds":S}}}</c>.</summary>
    public byte[] ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            long calls = 0, ticks = 0;
            writer.WriteStartObject();
            writer.WriteStartObject("Methods");
            foreach (var (name, counter) in _methods.OrderBy(m => m.Key, StringComparer.Ordinal))
            {
                var (c, t) = (Interlocked.Read(ref counter.Calls), Interlocked.Read(ref counter.Ticks));
                calls += c;
                ticks += t;
                writer.WriteStartObject(name);
                writer.WriteNumber("Calls", c);
                writer.WriteNumber("Seconds", t / (double)Stopwatch.Frequency);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
            writer.WriteNumber("Calls", calls);
            writer.WriteNumber("Seconds", ticks / (double)Stopwatch.Frequency);
            writer.WriteNumber("SocketCalls", Interlocked.Read(ref _socket.Calls));
            writer.WriteNumber("SocketSeconds", Interlocked.Read(ref _socket.Ticks) / (double)Stopwatch.Frequency);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private sealed class MethodCounter
    {
#pragma warning disable CA1051 // fields, for Interlocked
        public long Calls;
        public long Ticks;
#pragma warning restore CA1051
    }
}
