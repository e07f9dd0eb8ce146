using Cnm.Plugins.Client;
using Cnm.Plugins.Discovery;
using Cnm.Protocol;
using Microsoft.Extensions.Logging;

namespace Cnm.Plugins.Registry;

/// <summary>Activation: one in flight per name, published to the subscribers before it becomes current; replaced clients retire.</summary>
public sealed partial class PluginRegistry
{
    /// <summary>Starts (or joins) an activation of <paramref name="found"/>. With <paramref name="replace"/>, an active plugin
    /// whose fingerprint differs is activated again.</summary>
    internal Task<ActivePlugin> StartActivation(DiscoveredPlugin found, bool replace)
    {
        var name = found.Spec.Name;
        TaskCompletionSource<ActivePlugin> completion;
        PluginEventKind kind;
        PluginEntry entry;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_entries.TryGetValue(name, out entry!))
            {
                entry = new PluginEntry(name) { Since = _time.GetUtcNow() };
                _entries.Add(name, entry);
            }

            if (entry.InFlight is { } inFlight)
            {
                return inFlight;
            }

            if (entry.State == PluginState.Active && entry.Current is { } current
                && (!replace || entry.Fingerprint == found.Fingerprint))
            {
                return Task.FromResult(current);
            }

            completion = new TaskCompletionSource<ActivePlugin>(TaskCreationOptions.RunContinuationsAsynchronously);
            entry.InFlight = completion.Task;
            entry.InFlightSource = found;
            entry.LastSpec = found.Spec;
            if (entry.State != PluginState.Active)
            {
                entry.State = PluginState.Activating;
                entry.Since = _time.GetUtcNow();
            }

            kind = entry.Generation == 0 ? PluginEventKind.Activated : PluginEventKind.Reactivated;
        }

        _ = ActivateAsync(entry, found, kind, completion);
        return completion.Task;
    }

    private async Task ActivateAsync(PluginEntry entry, DiscoveredPlugin found, PluginEventKind kind,
        TaskCompletionSource<ActivePlugin> completion)
    {
        PluginClient? client = null;
        try
        {
            CheckTlsVerification(found.Spec);
            client = new PluginClient(found.Spec, _clientOptions, _time, _loggerFactory.CreateLogger<PluginClient>());
            var response = await client.CallAsync(PluginMethods.Activate, PluginJsonContext.Default.ActivateResponse,
                _stopping).ConfigureAwait(false);
            IReadOnlyList<string> implements = [.. (response.Implements ?? []).Where(i => !string.IsNullOrEmpty(i))];
            int generation;
            lock (_lock)
            {
                generation = entry.Generation + 1;
            }

            var plugin = new ActivePlugin(found.Spec, implements, client, generation, _time.GetUtcNow());
            Log.Activated(_logger, entry.Name, found.Spec.Address, Describe(implements), generation);
            var previous = await PublishAsync(entry, plugin, found, kind).ConfigureAwait(false);
            if (previous is not null)
            {
                Retire(previous.Client);
            }

            completion.SetResult(plugin);
        }
#pragma warning disable CA1031 // Every failure goes to the callers through the shared task.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            client?.Dispose();
            var error = ex as PluginException ?? (ex is OperationCanceledException or ObjectDisposedException && _stopping.IsCancellationRequested
                ? new PluginException(ErrorCategory.Unavailable, entry.Name, PluginMethods.Activate, "the plugin registry was shut down", innerException: ex)
                : new PluginException(ErrorCategory.Internal, entry.Name, PluginMethods.Activate, ex.Message, innerException: ex));
            lock (_lock)
            {
                entry.InFlight = null;
                entry.InFlightSource = null;
                entry.State = PluginState.Unavailable;
                entry.LastError = error.Message;
                entry.Since = _time.GetUtcNow();
            }

            Log.ActivationFailed(_logger, entry.Name, found.Spec.Address, error.Message, error);
            completion.SetException(error);
        }
    }

    /// <summary>
    /// Runs the subscribers for a new activation, then makes it current. Subscriptions added while the
    /// subscribers run are served before the activation becomes visible, so none misses it.
    /// </summary>
    private async Task<ActivePlugin?> PublishAsync(PluginEntry entry, ActivePlugin plugin, DiscoveredPlugin found,
        PluginEventKind kind)
    {
        long seen = 0;
        while (true)
        {
            List<Subscription> targets;
            lock (_lock)
            {
                targets = Targets(plugin, seen);
                seen = _lastSubscriptionId;
                if (targets.Count == 0)
                {
                    var previous = entry.Current;
                    entry.Current = plugin;
                    entry.Fingerprint = found.Fingerprint;
                    entry.Generation = plugin.Generation;
                    entry.State = PluginState.Active;
                    entry.Announced = true;
                    entry.LastError = null;
                    entry.Since = plugin.ActivatedAt;
                    entry.InFlight = null;
                    entry.InFlightSource = null;
                    return previous;
                }
            }

            await DeliverAsync(kind, plugin, targets, _stopping).ConfigureAwait(false);
        }
    }

    private void Retire(PluginClient client)
    {
        // Calls already running on the replaced client may finish; it is disposed once they must have timed out.
        lock (_lock)
        {
            _retired.Add(client);
        }

        _ = DisposeLaterAsync(client);
    }

    private async Task DisposeLaterAsync(PluginClient client)
    {
        try
        {
            await Task.Delay(_clientOptions.CallTimeout, _time, _stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return; // disposed with the registry
        }

        lock (_lock)
        {
            if (!_retired.Remove(client))
            {
                return;
            }
        }

        client.Dispose();
    }
}
