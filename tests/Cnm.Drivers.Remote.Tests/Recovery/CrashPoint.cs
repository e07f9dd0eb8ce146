namespace Cnm.Drivers.Remote.Tests.Recovery;

/// <summary>
/// The controller's step hook, armed to "crash" at the k-th step after arming: the hook never returns, so
/// the operation stops right there, as if the process had been killed. Nothing after that step runs, no
/// undo, no commit; the test then starts a new controller over the same store.
/// </summary>
internal sealed class CrashPoint
{
    private readonly TaskCompletionSource<string> _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _remaining = -1;

    /// <summary>The step at which the process "died".</summary>
    public Task<string> Reached => _reached.Task;

    /// <summary>Every step the hook saw since arming, in order.</summary>
    public List<string> Steps { get; } = [];

    public void Arm(int step) => Volatile.Write(ref _remaining, step);

    public Task OnStepAsync(string step)
    {
        if (Volatile.Read(ref _remaining) < 0)
        {
            return Task.CompletedTask;
        }

        lock (Steps)
        {
            Steps.Add(step);
        }

        if (Interlocked.Decrement(ref _remaining) != -1)
        {
            return Task.CompletedTask;
        }

        _reached.TrySetResult(step);
        return new TaskCompletionSource().Task; // never completes: the "process" is gone
    }
}
