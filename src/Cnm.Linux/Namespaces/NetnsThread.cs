using Cnm.Linux.Netlink;
using Microsoft.Win32.SafeHandles;

namespace Cnm.Linux.Namespaces;

/// <summary>
/// Runs work inside another network namespace on a dedicated thread, never on a pool thread. The thread enters
/// the namespace with setns(2), runs the delegate, goes back to the namespace it started in, and only then hands
/// the result over, so nothing (no continuation, no new pool worker, which inherits its creator's namespace) is
/// started from inside. If it cannot go back, the thread blocks for good instead of running anything else.
/// Keep the work synchronous: open sockets there and use them from anywhere afterwards (a socket stays in the
/// namespace it was created in).
/// </summary>
public static class NetnsThread
{
    /// <summary>The current thread's own namespace file (not the process's: <c>/proc/self</c> is the main thread).</summary>
    public const string CurrentThreadNamespace = "/proc/thread-self/ns/net";

    /// <summary>Runs <paramref name="work"/> inside the namespace at <paramref name="namespacePath"/>.</summary>
    public static Task<T> RunAsync<T>(string namespacePath, Func<T> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(namespacePath);
        ArgumentNullException.ThrowIfNull(work);
        cancellationToken.ThrowIfCancellationRequested();
        return Start(() =>
        {
            using var target = NetworkNamespace.Open(namespacePath);
            Enter(target, $"enter network namespace {namespacePath}");
            return work();
        });
    }

    /// <summary>Runs <paramref name="work"/> inside a namespace open as <paramref name="target"/>.</summary>
    public static Task<T> RunAsync<T>(SafeFileHandle target, Func<T> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(work);
        cancellationToken.ThrowIfCancellationRequested();
        return Start(() =>
        {
            Enter(target, "enter network namespace");
            return work();
        });
    }

    /// <summary>Runs <paramref name="work"/> inside a brand-new, empty network namespace (unshare(CLONE_NEWNET)).</summary>
    public static Task<T> RunInNewAsync<T>(Func<T> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        cancellationToken.ThrowIfCancellationRequested();
        return Start(() =>
        {
            if (LibC.unshare(LibC.CloneNewNet) != 0)
            {
                throw new NetlinkException("create a network namespace (unshare CLONE_NEWNET)", LibC.Errno);
            }

            return work();
        });
    }

    private static void Enter(SafeFileHandle target, string operation)
    {
        if (LibC.setns((int)target.DangerousGetHandle(), LibC.CloneNewNet) != 0)
        {
            throw new NetlinkException(operation, LibC.Errno);
        }
    }

    private static Task<T> Start<T>(Func<T> body)
    {
        var completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() => Run(body, completion)) { IsBackground = true, Name = "cnm-netns" };
        thread.Start();
        return completion.Task;
    }

    private static void Run<T>(Func<T> body, TaskCompletionSource<T> completion)
    {
        SafeFileHandle home;
        try
        {
            home = NetworkNamespace.Open(CurrentThreadNamespace);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            completion.SetException(ex);
            return;
        }

        T result = default!;
        Exception? error = null;
        try
        {
            result = body();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            error = ex;
        }

        var back = LibC.setns((int)home.DangerousGetHandle(), LibC.CloneNewNet) == 0;
        home.Dispose();
        if (!back)
        {
            // Still inside the other namespace: completing the task here could start pool work (or a new pool
            // worker) in it, so the caller is never answered; this thread parks and runs nothing more.
            Thread.Sleep(Timeout.Infinite);
        }

        if (error is null)
        {
            completion.SetResult(result);
        }
        else
        {
            completion.SetException(error);
        }
    }
}
