using Cnm.Core.Errors;
using Cnm.Core.Persistence;

namespace Cnm.Core.Control;

/// <summary>
/// The pending calls in memory and how their delivery goes, per driver: a gate that keeps one delivery per driver at
/// a time (and none for another driver waiting behind it), the failed attempts, and the back-off before the next
/// one (1 s doubling up to a cap). Thread-safe; no lock is held while a driver is called.
/// </summary>
internal sealed class OwedCalls(TimeProvider time, TimeSpan cap)
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);

    private readonly Lock _lock = new();
    private readonly SortedDictionary<long, Entry> _calls = [];
    private readonly Dictionary<string, DriverState> _drivers = new(StringComparer.Ordinal);
    private readonly HashSet<PendingCall> _sent = [];
    private long _lastSequence;

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _calls.Count;
            }
        }
    }

    /// <summary>A sequence number after every one in use, and after the clock's ticks (numbers stay ordered across restarts).</summary>
    public long NextSequence()
    {
        lock (_lock)
        {
            return _lastSequence = Math.Max(_lastSequence + 1, time.GetUtcNow().UtcTicks);
        }
    }

    /// <summary>Adds a stored call; <paramref name="attempts"/> were made already.</summary>
    public void Add(PendingCall call, int attempts)
    {
        lock (_lock)
        {
            _calls[call.Sequence] = new Entry(call) { Attempts = attempts };
            _lastSequence = Math.Max(_lastSequence, call.Sequence);
            State(call.Driver);
        }
    }

    public void Remove(long sequence)
    {
        lock (_lock)
        {
            _calls.Remove(sequence);
        }
    }

    public bool Any(Func<PendingCall, bool> match)
    {
        lock (_lock)
        {
            return _calls.Values.Any(e => match(e.Call));
        }
    }

    public IReadOnlyList<string> Describe()
    {
        lock (_lock)
        {
            return [.. _calls.Values.Select(e => e.Call.Describe())];
        }
    }

    public IReadOnlyList<OwedCall> Snapshot()
    {
        lock (_lock)
        {
            return [.. _calls.Values.Select(e => new OwedCall(e.Call.Sequence, e.Call.Driver, e.Call.Method, e.Call.Describe(), e.Call.Reason,
                e.Attempts, State(e.Call.Driver).NextAttempt))];
        }
    }

    /// <summary>The calls owed to <paramref name="driver"/> that <paramref name="match"/> selects, oldest first.</summary>
    public IReadOnlyList<PendingCall> For(string driver, Func<PendingCall, bool>? match = null)
    {
        lock (_lock)
        {
            return [.. _calls.Values.Select(e => e.Call).Where(c => c.Driver == driver && (match is null || match(c)))];
        }
    }

    /// <summary>The drivers that <paramref name="match"/>ing calls are owed to.</summary>
    public IReadOnlyList<string> DriversOf(Func<PendingCall, bool> match)
    {
        lock (_lock)
        {
            return [.. _calls.Values.Select(e => e.Call).Where(match).Select(c => c.Driver).Distinct(StringComparer.Ordinal)];
        }
    }

    public int CountFor(string driver)
    {
        lock (_lock)
        {
            return _calls.Values.Count(e => e.Call.Driver == driver);
        }
    }

    /// <summary>The gate of one driver's deliveries (and of the flushes before new work on its objects).</summary>
    public SemaphoreSlim Gate(string driver)
    {
        lock (_lock)
        {
            return State(driver).Gate;
        }
    }

    /// <summary>
    /// True when a call to <paramref name="driver"/> just failed to reach it and it was not registered again since: within
    /// the back-off, or while calls are still owed to it. New calls then join its queue instead of waiting for it again.
    /// </summary>
    public bool KnownUnreachable(string driver)
    {
        lock (_lock)
        {
            return _drivers.TryGetValue(driver, out var state) && state.Failures > 0
                && (state.NextAttempt > time.GetUtcNow() || _calls.Values.Any(e => e.Call.Driver == driver));
        }
    }

    /// <summary>Notes that a request sent <paramref name="call"/> and it did not reach its driver (one attempt, once it is owed).</summary>
    public void NoteSent(PendingCall call)
    {
        lock (_lock)
        {
            _sent.Add(Bare(call));
        }
    }

    /// <summary>True (once) when a request sent <paramref name="call"/> before it became owed.</summary>
    public bool TakeSent(PendingCall call)
    {
        lock (_lock)
        {
            return _sent.Remove(Bare(call));
        }
    }

    private static PendingCall Bare(PendingCall call) => call with { Reason = null, Sequence = 0 };

    /// <summary>Why the driver could not be reached the last time.</summary>
    public CnmException? LastError(string driver)
    {
        lock (_lock)
        {
            return _drivers.TryGetValue(driver, out var state) ? state.LastError : null;
        }
    }

    /// <summary>Counts an attempt of the call; returns the attempts so far.</summary>
    public int Attempt(long sequence)
    {
        lock (_lock)
        {
            return _calls.TryGetValue(sequence, out var entry) ? ++entry.Attempts : 0;
        }
    }

    public int AttemptsOf(long sequence)
    {
        lock (_lock)
        {
            return _calls.TryGetValue(sequence, out var entry) ? entry.Attempts : 0;
        }
    }

    /// <summary>A call to the driver failed to reach it with <paramref name="error"/>: the next attempt waits, 1 s doubling up to the cap. Returns the wait.</summary>
    public TimeSpan Failed(string driver, Exception? error)
    {
        lock (_lock)
        {
            var state = State(driver);
            state.Failures++;
            state.LastError = error as CnmException ?? state.LastError;
            var wait = TimeSpan.FromTicks(Math.Min(cap.Ticks, FirstRetry.Ticks << Math.Min(state.Failures - 1, 30)));
            state.NextAttempt = time.GetUtcNow() + wait;
            return wait;
        }
    }

    /// <summary>The driver answered: no back-off.</summary>
    public void Reached(string driver)
    {
        lock (_lock)
        {
            if (_drivers.TryGetValue(driver, out var state))
            {
                state.Failures = 0;
            }
        }
    }

    /// <summary>The driver was registered again (its plugin was activated): what it is owed goes at once.</summary>
    public bool Registered(string driver)
    {
        lock (_lock)
        {
            if (!_drivers.TryGetValue(driver, out var state))
            {
                return false;
            }

            state.Failures = 0;
            state.NextAttempt = time.GetUtcNow();
            return _calls.Values.Any(e => e.Call.Driver == driver);
        }
    }

    /// <summary>Marks and returns the drivers whose calls are due and not being delivered.</summary>
    public IReadOnlyList<string> TakeDue()
    {
        lock (_lock)
        {
            var now = time.GetUtcNow();
            var due = _calls.Values.Select(e => e.Call.Driver).Distinct(StringComparer.Ordinal)
                .Where(d => State(d) is { Delivering: false } s && s.NextAttempt <= now).ToList();
            due.ForEach(d => _drivers[d].Delivering = true);
            return due;
        }
    }

    public void DeliveryEnded(string driver)
    {
        lock (_lock)
        {
            State(driver).Delivering = false;
        }
    }

    /// <summary>How long until the next driver is due; null when nothing is owed and nothing is being delivered.</summary>
    public TimeSpan? UntilNext(out bool idle)
    {
        lock (_lock)
        {
            idle = _calls.Count == 0 && !_drivers.Values.Any(s => s.Delivering);
            var waiting = _calls.Values.Select(e => State(e.Call.Driver)).Where(s => !s.Delivering).ToList();
            if (waiting.Count == 0)
            {
                return null;
            }

            var next = waiting.Min(s => s.NextAttempt) - time.GetUtcNow();
            return next < TimeSpan.Zero ? TimeSpan.Zero : next;
        }
    }

    private DriverState State(string driver)
    {
        if (!_drivers.TryGetValue(driver, out var state))
        {
            state = new DriverState { NextAttempt = time.GetUtcNow() };
            _drivers.Add(driver, state);
        }

        return state;
    }

    private sealed class Entry(PendingCall call)
    {
        public PendingCall Call { get; } = call;

        public int Attempts { get; set; }
    }

    private sealed class DriverState
    {
        // Never disposed: it has no wait handle, and a flush may still wait on it.
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public int Failures { get; set; }

        public DateTimeOffset NextAttempt { get; set; }

        public bool Delivering { get; set; }

        public CnmException? LastError { get; set; }
    }
}
