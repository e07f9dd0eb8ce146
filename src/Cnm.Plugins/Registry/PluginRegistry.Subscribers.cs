namespace Cnm.Plugins.Registry;

/// <summary>Delivery of plugin events to the subscriptions of <see cref="Handle"/>.</summary>
public sealed partial class PluginRegistry
{
    internal void Unsubscribe(Subscription subscription)
    {
        lock (_lock)
        {
            _subscriptions.Remove(subscription);
        }
    }

    /// <summary>Subscriptions newer than <paramref name="afterId"/> for the plugin's interfaces: manifest order, then registration order. Call under the lock.</summary>
    private List<Subscription> Targets(ActivePlugin plugin, long afterId)
    {
        var targets = new List<Subscription>();
        foreach (var pluginInterface in plugin.Implements.Distinct(StringComparer.Ordinal))
        {
            targets.AddRange(_subscriptions.Where(s => s.Id > afterId && s.Interface == pluginInterface));
        }

        return targets;
    }

    private async Task DeliverAsync(PluginEventKind kind, ActivePlugin plugin, List<Subscription> targets,
        CancellationToken cancellationToken)
    {
        foreach (var subscription in targets)
        {
            await subscription.DeliverAsync(new PluginEvent(kind, subscription.Interface, plugin), OnHandlerError,
                gateHeld: false, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ReplayAsync(Subscription subscription, ActivePlugin plugin)
    {
        try
        {
            await subscription.DeliverAsync(new PluginEvent(PluginEventKind.Activated, subscription.Interface, plugin),
                OnHandlerError, gateHeld: true, _stopping).ConfigureAwait(false);
        }
        finally
        {
            subscription.Exit(plugin.Name);
        }
    }

    private void OnHandlerError(PluginEvent pluginEvent, Exception error) =>
        Log.HandlerFailed(_logger, pluginEvent.Name, pluginEvent.Interface, pluginEvent.Kind, error.Message, error);
}
