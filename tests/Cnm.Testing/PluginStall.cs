namespace Cnm.Testing;

/// <summary>
/// Holds every call of one method for one network id until <see cref="Release"/> is called or the
/// longest stall has passed, whichever comes first. <see cref="Entered"/> tells a test that a call is held.
/// </summary>
public sealed class PluginStall
{
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TimeSpan _longest;
    private int _held;
    private volatile bool _timedOut;

    internal PluginStall(string method, string? networkId, TimeSpan longest)
    {
        Method = method;
        NetworkId = networkId;
        _longest = longest;
    }

    public string Method { get; }

    /// <summary>The network whose calls are held; null holds the calls of every network.</summary>
    public string? NetworkId { get; }

    /// <summary>Completes when the first matching call arrives and is being held.</summary>
    public Task Entered => _entered.Task;

    /// <summary>How many calls were held so far.</summary>
    public int Held => Volatile.Read(ref _held);

    /// <summary>True when the stall ended because the longest stall passed, not because of <see cref="Release"/>.</summary>
    public bool TimedOut => _timedOut;

    public bool IsReleased => _released.Task.IsCompleted;

    public void Release() => _released.TrySetResult();

    internal async Task HoldAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _held);
        _entered.TrySetResult();
        if (_released.Task.IsCompleted)
        {
            return;
        }

        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var winner = await Task.WhenAny(_released.Task, Task.Delay(_longest, timer.Token)).ConfigureAwait(false);
        await timer.CancelAsync().ConfigureAwait(false);
        if (winner != _released.Task && !cancellationToken.IsCancellationRequested)
        {
            _timedOut = true;
            _released.TrySetResult();
        }
    }
}
