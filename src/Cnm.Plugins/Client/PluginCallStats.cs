using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace Cnm.Plugins.Client;

/// <summary>
/// Per plugin and method aggregates of plugin calls, for <c>cnm plugin inspect</c>: calls, errors by
/// category, the latest error, and latency (mean, p50, p99, max). It listens to the <c>Cnm.Plugins</c>
/// meter (<see cref="PluginMetrics"/>), so it sees exactly what <c>/metrics</c> counts. Recording a call
/// is a dictionary read and a few interlocked operations: no lock, and no allocation unless the call
/// failed or is the first of its method.
/// </summary>
public sealed class PluginCallStats : IDisposable
{
    /// <summary>Bounds <see cref="_byInstance"/>: tag strings made per call must not grow it without end.</summary>
    private const int MaxInstanceKeys = 4096;

    private readonly ConcurrentDictionary<(string Plugin, string Method), MethodCell> _cells = new();

    /// <summary>
    /// The same cells keyed by string instance. A client tags its calls with the same strings (its spec's name,
    /// the method constants), and an identity hash is about twice as fast as hashing the text.
    /// </summary>
    private readonly ConcurrentDictionary<(string Plugin, string Method), MethodCell> _byInstance = new(InstanceComparer.Instance);
    private readonly MeterListener _listener;
    private readonly TimeProvider _time;

    /// <summary>Starts listening; <paramref name="time"/> stamps the latest error (tests pass a fake).</summary>
    public PluginCallStats(TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        _listener = new MeterListener
        {
            InstrumentPublished = static (instrument, listener) =>
            {
                if (instrument.Meter.Name == PluginMetrics.Name
                    && instrument.Name is PluginMetrics.CallsName or PluginMetrics.DurationName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _listener.SetMeasurementEventCallback<double>(OnDuration);
        _listener.SetMeasurementEventCallback<long>(OnCall);
        _listener.Start();
    }

    /// <summary>The methods of <paramref name="plugin"/> that were called, ordered by name; empty when none.</summary>
    public IReadOnlyList<PluginMethodStats> Methods(string plugin)
    {
        ArgumentNullException.ThrowIfNull(plugin);
        return [.. _cells.Where(c => c.Key.Plugin == plugin)
            .OrderBy(c => c.Key.Method, StringComparer.Ordinal)
            .Select(c => c.Value.Snapshot(c.Key.Method))];
    }

    /// <inheritdoc />
    public void Dispose() => _listener.Dispose();

    /// <summary>The histogram: one measurement per call, with its duration and outcome.</summary>
    private void OnDuration(Instrument instrument, double seconds, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        var (plugin, method, outcome, _) = Read(tags);
        if (plugin is not null && method is not null)
        {
            Cell(plugin, method).Record(seconds, outcome == "error");
        }
    }

    /// <summary>The counter: only its <c>error</c> tag is new (calls are counted from the histogram).</summary>
    private void OnCall(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        if (tags.Length <= 3)
        {
            return; // plugin, method and outcome only: a call that succeeded
        }

        var (plugin, method, _, error) = Read(tags);
        if (plugin is not null && method is not null && error is not null)
        {
            Cell(plugin, method).RecordError(error, _time.GetUtcNow());
        }
    }

    private MethodCell Cell(string plugin, string method)
    {
        if (_byInstance.TryGetValue((plugin, method), out var cell))
        {
            return cell;
        }

        cell = _cells.GetOrAdd((plugin, method), static _ => new MethodCell());
        if (_byInstance.Count < MaxInstanceKeys)
        {
            _byInstance.TryAdd((plugin, method), cell);
        }

        return cell;
    }

    private static (string? Plugin, string? Method, string? Outcome, string? Error) Read(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string? plugin = null, method = null, outcome = null, error = null;
        foreach (var tag in tags)
        {
            switch (tag.Key)
            {
                case "plugin":
                    plugin = tag.Value as string;
                    break;
                case "method":
                    method = tag.Value as string;
                    break;
                case "outcome":
                    outcome = tag.Value as string;
                    break;
                case "error":
                    error = tag.Value as string;
                    break;
            }
        }

        return (plugin, method, outcome, error);
    }

    /// <summary>The aggregates of one plugin method.</summary>
    private sealed class MethodCell
    {
        private readonly LatencyHistogram _latency = new();
        private readonly ConcurrentDictionary<string, long> _byCategory = new(StringComparer.Ordinal);
        private long _errors;
        private LastFailure? _last;

        public void Record(double seconds, bool failed)
        {
            _latency.Record(double.IsFinite(seconds) ? (long)Math.Clamp(seconds * 1e9, 0, long.MaxValue / 4) : 0);
            if (failed)
            {
                Interlocked.Increment(ref _errors);
            }
        }

        public void RecordError(string category, DateTimeOffset at)
        {
            _byCategory.AddOrUpdate(category, 1, static (_, n) => n + 1);
            Volatile.Write(ref _last, new LastFailure(category, at));
        }

        public PluginMethodStats Snapshot(string method)
        {
            var count = _latency.Count;
            var last = Volatile.Read(ref _last);
            return new PluginMethodStats(
                method,
                count,
                Volatile.Read(ref _errors),
                new SortedDictionary<string, long>(_byCategory, StringComparer.Ordinal),
                last?.Category,
                last?.At,
                count == 0 ? TimeSpan.Zero : FromNanoseconds(_latency.Sum / count),
                FromNanoseconds(_latency.Percentile(0.5)),
                FromNanoseconds(_latency.Percentile(0.99)),
                FromNanoseconds(_latency.Max));
        }

        private static TimeSpan FromNanoseconds(long nanoseconds) => TimeSpan.FromTicks(nanoseconds / 100);
    }

    private sealed record LastFailure(string Category, DateTimeOffset At);

    private sealed class InstanceComparer : IEqualityComparer<(string Plugin, string Method)>
    {
        public static readonly InstanceComparer Instance = new();

        public bool Equals((string Plugin, string Method) x, (string Plugin, string Method) y) =>
            ReferenceEquals(x.Plugin, y.Plugin) && ReferenceEquals(x.Method, y.Method);

        public int GetHashCode((string Plugin, string Method) obj) =>
            HashCode.Combine(RuntimeHelpers.GetHashCode(obj.Plugin), RuntimeHelpers.GetHashCode(obj.Method));
    }
}
