using System.Collections.Concurrent;
using Cnm.Linux.Namespaces;
using Cnm.Linux.Netlink;
using Microsoft.Win32.SafeHandles;

namespace Cnm.Linux.Firewall;

/// <summary>
/// Runs libnftables batches in one network namespace, on one long-lived thread. libnftables acts on the namespace of
/// the calling thread, so for every batch the thread enters the target namespace with setns(2), runs it, and goes back
/// to its own namespace before it hands the result over: nothing (no continuation, no new pool worker, which would
/// inherit the namespace) starts from inside, as <see cref="NetnsThread"/> does, without a thread per batch. If it
/// cannot go back, the thread parks for good and its callers are never answered.
/// </summary>
internal sealed class NftablesWorker : IDisposable
{
    private readonly BlockingCollection<Job> _jobs = [];
    private readonly LibNftables _lib;
    private readonly SafeFileHandle? _target;
    private readonly Thread _thread;
    private int _disposed;

    /// <param name="lib">The loaded library.</param>
    /// <param name="namespacePath">The namespace to act in; null for the namespace of the thread that creates the worker.</param>
    public NftablesWorker(LibNftables lib, string? namespacePath)
    {
        _lib = lib;
        _target = namespacePath is null ? null : NetworkNamespace.Open(namespacePath);
        _thread = new Thread(Loop) { IsBackground = true, Name = "cnm-nftables" };
        _thread.Start();
    }

    /// <summary>Runs <paramref name="commands"/> as one transaction in the namespace and returns nft's output.</summary>
    public Task<string> RunAsync(string commands, string what, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var job = new Job(commands, what, new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            _jobs.Add(job, cancellationToken);
        }
        catch (InvalidOperationException)
        {
            throw new ObjectDisposedException(nameof(NftablesWorker));
        }

        return job.Completion.Task;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _jobs.CompleteAdding();
        if (Thread.CurrentThread != _thread)
        {
            _thread.Join();
        }

        _target?.Dispose();
        _jobs.Dispose();
    }

    private void Loop()
    {
        SafeFileHandle home;
        try
        {
            home = NetworkNamespace.Open(NetnsThread.CurrentThreadNamespace);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            foreach (var job in _jobs.GetConsumingEnumerable())
            {
                job.Completion.SetException(ex); // cannot come back from the target: refuse every batch
            }

            return;
        }

        using var homeHandle = home;
        NftablesContext? context = null;
        foreach (var job in _jobs.GetConsumingEnumerable())
        {
            string? output = null;
            Exception? error = null;
            var entered = false;
            try
            {
                if (_target is not null)
                {
                    Enter(_target, "enter the host network namespace for nftables");
                    entered = true;
                }

                context ??= new NftablesContext(_lib);
                output = context.Run(job.Commands, job.What);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                error = ex;
            }

            if (entered && LibC.setns((int)home.DangerousGetHandle(), LibC.CloneNewNet) != 0)
            {
                Thread.Sleep(Timeout.Infinite); // still inside: answering could start work in the wrong namespace
            }

            if (error is null)
            {
                job.Completion.SetResult(output!);
            }
            else
            {
                job.Completion.SetException(error);
            }
        }

        if (context is not null)
        {
            // The context's socket is already bound to its namespace; freeing it needs no setns.
            context.Dispose();
        }
    }

    private static void Enter(SafeFileHandle target, string operation)
    {
        if (LibC.setns((int)target.DangerousGetHandle(), LibC.CloneNewNet) != 0)
        {
            throw new NetlinkException(operation, LibC.Errno);
        }
    }

    private sealed record Job(string Commands, string What, TaskCompletionSource<string> Completion);
}
