namespace Cnm.Plugins.Registry;

/// <summary>
/// One <see cref="PluginRegistry.Handle"/> callback. Events about one plugin reach it one at a time and in
/// order (replay first), through a gate of that plugin's own, so no registry lock is held while it runs and
/// a callback that is slow for one plugin (a hung GetCapabilities, say) delays no event about another.
/// </summary>
internal sealed class Subscription(long id, string pluginInterface, Func<PluginEvent, CancellationToken, Task> callback,
    PluginRegistry owner) : IDisposable
{
    private readonly Lock _lock = new();

    // Never disposed: they have no wait handle, and a delivery may still be waiting on one when the subscription ends.
    private readonly Dictionary<string, SemaphoreSlim> _gates = new(StringComparer.Ordinal);
    private volatile bool _disposed;

    public long Id { get; } = id;

    public string Interface { get; } = pluginInterface;

    /// <summary>Takes the gate of <paramref name="plugin"/> without waiting; only for a fresh subscription, to replay before anything else.</summary>
    public bool TryEnter(string plugin) => Gate(plugin).Wait(0);

    /// <summary>Releases the gate of <paramref name="plugin"/> taken by <see cref="TryEnter"/>.</summary>
    public void Exit(string plugin) => Gate(plugin).Release();

    /// <summary>Runs the callback for <paramref name="pluginEvent"/> unless the subscription ended; an exception from it goes to <paramref name="onError"/>.</summary>
    public async Task DeliverAsync(PluginEvent pluginEvent, Action<PluginEvent, Exception> onError, bool gateHeld,
        CancellationToken cancellationToken)
    {
        var gate = Gate(pluginEvent.Name);
        if (!gateHeld)
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
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
                gate.Release();
            }
        }
    }

    public void Dispose()
    {
        _disposed = true;
        owner.Unsubscribe(this);
    }

    private SemaphoreSlim Gate(string plugin)
    {
        lock (_lock)
        {
            if (!_gates.TryGetValue(plugin, out var gate))
            {
                gate = new SemaphoreSlim(1, 1);
                _gates.Add(plugin, gate);
            }

            return gate;
        }
    }
}
