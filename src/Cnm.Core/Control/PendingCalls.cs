using Cnm.Core.Errors;
using Cnm.Core.Persistence;
using Cnm.Core.Store;
using Cnm.Protocol;
using Microsoft.Extensions.Logging;

namespace Cnm.Core.Control;

/// <summary>
/// The calls owed to drivers that could not be reached (spec/store.md, "Intents and pending calls"), and their
/// delivery: a background loop that starts one delivery per driver whose calls are due (a driver that hangs holds up
/// only its own calls), back-off per driver up to a cap, delivery at once when a driver is registered again, and the
/// staleness rule: a call the owner no longer wants (<c>isWanted</c> says so) is dropped as done instead of sent.
/// A delivered call's record is removed from the store.
/// </summary>
internal sealed partial class PendingCalls : IAsyncDisposable
{
    private readonly OwedCalls _owed;
    private readonly IPendingCallSender _sender;
    private readonly IKeyValueStore _store;
    private readonly Func<PendingCall, bool> _isWanted;
    private readonly TimeSpan _cap;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _deliveries = [];
    private Task? _loop;

    public PendingCalls(IPendingCallSender sender, IKeyValueStore store, Func<PendingCall, bool> isWanted, TimeProvider time, TimeSpan cap,
        ILogger logger)
    {
        _cap = cap > TimeSpan.Zero ? cap : TimeSpan.FromMinutes(5);
        _owed = new OwedCalls(time, _cap);
        _sender = sender;
        _store = store;
        _isWanted = isWanted;
        _logger = logger;
    }

    /// <summary>Cancelled when the owner is disposed: background work stops.</summary>
    public CancellationToken Stopping => _stopping.Token;

    public int Count => _owed.Count;

    /// <summary>The owed calls as people read them, oldest first.</summary>
    public IReadOnlyList<string> Describe() => _owed.Describe();

    /// <summary>The owed calls with their attempts and next attempt, oldest first.</summary>
    public IReadOnlyList<OwedCall> Snapshot() => _owed.Snapshot();

    /// <summary>A sequence number for a call about to be stored as pending.</summary>
    public long NextSequence() => _owed.NextSequence();

    /// <summary>
    /// Keeps committed pending calls in memory and makes sure something delivers them. A call a request just sent
    /// counts one attempt; one queued behind others without being sent, or found at start-up, none.
    /// </summary>
    public void Add(IEnumerable<PendingCall> calls)
    {
        foreach (var call in calls)
        {
            var attempts = _owed.TakeSent(call) ? 1 : 0;
            _owed.Add(call, attempts);
            ControlLog.CallPending(_logger, call.Method, call.Driver, attempts, call.Describe(), call.Reason ?? "");
        }

        lock (_gate)
        {
            if (_owed.Count == 0 || _loop is not null || _stopping.IsCancellationRequested)
            {
                return;
            }

            _loop = Task.Run(LoopAsync);
        }
    }

    /// <summary>A driver was registered (its plugin was activated): what it is owed goes at once.</summary>
    public void OnRegistered(string driver)
    {
        if (_owed.Registered(driver))
        {
            Wake();
        }
    }

    /// <summary>A call of a request timed out: the driver counts as unreachable for a moment (the undo is owed).</summary>
    public void TimedOut(string driver, CnmException timeout) => _owed.Failed(driver, timeout);

    /// <summary>
    /// Makes one driver call for a request. A driver that could not be reached a moment ago, or that earlier calls
    /// still wait for, is not tried: the call goes behind them (Unreachable) instead of holding up the caller.
    /// </summary>
    public async Task<(CallOutcome Outcome, Exception? Error)> SendAsync(PendingCall call, CancellationToken cancellationToken)
    {
        if (_owed.KnownUnreachable(call.Driver))
        {
            var last = _owed.LastError(call.Driver);
            var owed = _owed.CountFor(call.Driver);
            var why = $"not sent: driver {call.Driver} could not be reached a moment ago{(owed > 0 ? $" and is owed {owed} earlier call(s)" : "")}";
            return (CallOutcome.Unreachable, last is null
                ? new CnmException(ErrorCategory.Unavailable, why) { Plugin = call.Driver, Method = call.Method }
                : last.WithMessage($"{last.Message} ({why})"));
        }

        var outcome = await _sender.SendAsync(call, cancellationToken).ConfigureAwait(false);
        if (outcome.Outcome == CallOutcome.Unreachable)
        {
            _owed.Failed(call.Driver, outcome.Error);
            _owed.NoteSent(call);
        }
        else
        {
            _owed.Reached(call.Driver);
        }

        return outcome;
    }

    /// <summary>Stops delivering. The store is the caller's to close afterwards.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        Task[] running;
        lock (_gate)
        {
            running = [.. _deliveries, .. _loop is { } loop ? [loop] : Array.Empty<Task>()];
        }

        foreach (var task in running)
        {
            await task.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private void Wake()
    {
        lock (_gate)
        {
            if (_wake.CurrentCount == 0)
            {
                _wake.Release();
            }
        }
    }
}
