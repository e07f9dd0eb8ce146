namespace Cnm.Plugins.Registry;

/// <summary>
/// One <see cref="PluginRegistry.Handle"/> callback. Events reach it one at a time and in order
/// (replay first), through its own gate, so no registry lock is held while it runs.
/// </summary>
internal sealed class Subscription(long id, string pluginInterface, Func<PluginEvent, CancellationToken, Task> callback,
    PluginRegistry owner) : IDisposable
{
    // Never disposed: it has no wait handle, and a delivery may still be waiting on it when the subscription ends.
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile bool _disposed;

    public long Id { get; } = id;

    public string Interface { get; } = pluginInterface;

    /// <summary>Takes the gate without waiting; only for a fresh subscription, to replay before anything else.</summary>
    public bool TryEnter() => _gate.Wait(0);

    /// <summary>Releases the gate taken by <see cref="TryEnter"/>.</summary>
    public void Exit() => _gate.Release();

    /// <summary>Runs the callback for <paramref name="pluginEvent"/> unless the subscription ended; an exception from it goes to <paramref name="onError"/>.</summary>
    public async Task DeliverAsync(PluginEvent pluginEvent, Action<PluginEvent, Exception> onError, bool gateHeld,
        CancellationToken cancellationToken)
    {
        if (!gateHeld)
        {
            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            if (!_disposed)
            {
                await callback(pluginEvent, cancellationToken).ConfigureAwait(false);
            }
        }
#pragma warning disable CA1031 // A subscriber's failure must not break other subscribers or the activation.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            onError(pluginEvent, ex);
        }
        finally
        {
            if (!gateHeld)
            {
                _gate.Release();
            }
        }
    }

    public void Dispose()
    {
        _disposed = true;
        owner.Unsubscribe(this);
    }
}
