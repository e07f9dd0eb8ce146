using Cnm.Plugins.Client;
using Cnm.Plugins.Discovery;
using Cnm.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cnm.Plugins.Registry;

/// <summary>
/// Activates plugins by name and caches them, and tells subscribers about every plugin that implements
/// an interface (the reference's <c>plugins.Get</c> and <c>plugins.Handle</c>, docs/reference-host.md §1.7-1.8).
/// </summary>
/// <remarks>
/// <para>
/// Each name has at most one activation in flight; concurrent callers share it. A failed activation is
/// not cached, so the next <see cref="GetAsync(string, string, CancellationToken)"/> starts again. An unknown
/// name fails at once instead of the reference's 15 s of retries (docs/decisions.md, "unknown driver").
/// </para>
/// <para>
/// Unlike the reference, a plugin can be activated again when its socket or spec file is replaced
/// (docs/decisions.md, "plugin restart"); the <see cref="Watching.PluginWatcher"/> drives that, and reports
/// plugins that went away through <see cref="MarkGoneAsync"/>.
/// </para>
/// No lock is held while a plugin is called or a subscriber runs.
/// </remarks>
public sealed partial class PluginRegistry : IDisposable, IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, PluginEntry> _entries = new(StringComparer.Ordinal);
    private readonly List<Subscription> _subscriptions = [];
    private readonly List<PluginClient> _retired = [];
    private readonly CancellationTokenSource _shutdown = new();
    private readonly CancellationToken _stopping;
    private readonly PluginClientOptions _clientOptions;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private long _lastSubscriptionId;
    private bool _disposed;

    /// <summary>Creates a registry that resolves names through <paramref name="discovery"/>.</summary>
    public PluginRegistry(PluginDiscovery discovery, PluginClientOptions? clientOptions = null,
        TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(discovery);
        Discovery = discovery;
        _clientOptions = clientOptions ?? new PluginClientOptions();
        _clientOptions.Validate();
        _time = timeProvider ?? TimeProvider.System;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger<PluginRegistry>();
        _stopping = _shutdown.Token; // read once: the source is disposed with the registry
    }

    /// <summary>The discovery this registry resolves names with.</summary>
    public PluginDiscovery Discovery { get; }

    /// <summary>A snapshot of every plugin the registry has seen, sorted by name.</summary>
    public IReadOnlyList<PluginStatus> Plugins
    {
        get
        {
            lock (_lock)
            {
                return [.. _entries.Values.OrderBy(e => e.Name, StringComparer.Ordinal).Select(e => new PluginStatus(
                    e.Name, e.State, e.Current?.Spec ?? e.LastSpec, e.Current?.Implements ?? [], e.Generation,
                    e.LastError, e.Since))];
            }
        }
    }

    /// <summary>
    /// The active plugin <paramref name="name"/>, activating it first if needed, provided it implements
    /// <paramref name="pluginInterface"/>. Subscribers of its interfaces have run when this returns.
    /// </summary>
    /// <exception cref="PluginException">
    /// InvalidParameter for an invalid name or broken spec file; NotFound when no socket or spec file has
    /// that name; the activation's error when it fails; NotImplemented when the plugin does not implement
    /// <paramref name="pluginInterface"/> (it stays activated, as in the reference).
    /// </exception>
    public async Task<ActivePlugin> GetAsync(string name, string pluginInterface, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pluginInterface);
        var plugin = await GetAsync(name, cancellationToken).ConfigureAwait(false);
        if (!plugin.Supports(pluginInterface))
        {
            throw new PluginException(ErrorCategory.NotImplemented, name, null,
                $"the plugin does not implement {pluginInterface} (it implements {Describe(plugin.Implements)})");
        }

        return plugin;
    }

    /// <summary>The active plugin <paramref name="name"/>, activating it first if needed, whatever it implements.</summary>
    /// <exception cref="PluginException">As <see cref="GetAsync(string, string, CancellationToken)"/>, without NotImplemented.</exception>
    public async Task<ActivePlugin> GetAsync(string name, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        PluginNames.Validate(name);
        Task<ActivePlugin>? pending = null;
        lock (_lock)
        {
            if (_entries.TryGetValue(name, out var entry))
            {
                // While a replaced plugin is being activated again, the current activation still serves.
                if (entry.State == PluginState.Active && entry.Current is { } current)
                {
                    return current;
                }

                pending = entry.InFlight;
            }
        }

        if (pending is null)
        {
            // Unknown, failed or gone: look again. Only stat calls, so an unknown name fails at once.
            var found = Discovery.Locate(name)
                ?? throw new PluginException(ErrorCategory.NotFound, name, null,
                    $"plugin not found: no socket or spec file of that name exists (looked for {string.Join(", ", Discovery.CandidatePaths(name))})");
            pending = StartActivation(found, replace: false);
        }

        // The activation is shared: a caller that gives up does not cancel it for the others.
        return await pending.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Calls <paramref name="callback"/> for every active plugin that implements <paramref name="pluginInterface"/>:
    /// first for those already active (replayed as <see cref="PluginEventKind.Activated"/>), then for every
    /// later activation, reactivation and disappearance, until the returned subscription is disposed.
    /// </summary>
    /// <remarks>
    /// Events about one plugin reach one subscription one at a time, in order; events about different plugins
    /// may run at the same time, so a callback that hangs for one plugin delays no other. Callbacks for an activation run before
    /// <see cref="GetAsync(string, string, CancellationToken)"/> returns it, so a callback must not await
    /// <c>GetAsync</c> of the plugin it is told about. An exception from a callback is logged; it does not
    /// affect other callbacks or the activation.
    /// </remarks>
    public IDisposable Handle(string pluginInterface, Func<PluginEvent, CancellationToken, Task> callback)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pluginInterface);
        ArgumentNullException.ThrowIfNull(callback);
        ObjectDisposedException.ThrowIf(_disposed, this);
        Subscription subscription;
        List<ActivePlugin> replay;
        lock (_lock)
        {
            subscription = new Subscription(++_lastSubscriptionId, pluginInterface, callback, this);
            _subscriptions.Add(subscription);
            replay = [.. _entries.Values
                .Where(e => e.Announced && e.State == PluginState.Active && e.Current!.Supports(pluginInterface))
                .OrderBy(e => e.Name, StringComparer.Ordinal)
                .Select(e => e.Current!)];
            foreach (var plugin in replay)
            {
                // Taken before the lock is left, so any later event about the plugin waits for its replay.
                subscription.TryEnter(plugin.Name);
            }
        }

        foreach (var plugin in replay)
        {
            // One replay per plugin: a callback that hangs for one plugin holds up no other.
            _ = ReplayAsync(subscription, plugin);
        }

        return subscription;
    }

    /// <summary>
    /// Records that plugin <paramref name="name"/> went away and tells its subscribers
    /// (<see cref="PluginEventKind.Gone"/>). The next <c>GetAsync</c> looks it up again.
    /// </summary>
    /// <returns>False when the name is unknown or already gone.</returns>
    public async Task<bool> MarkGoneAsync(string name, string reason, CancellationToken cancellationToken)
    {
        ActivePlugin? plugin = null;
        lock (_lock)
        {
            if (!_entries.TryGetValue(name, out var entry) || entry.State == PluginState.Gone || entry.InFlight is not null)
            {
                return false; // an activation in flight decides the state; the watcher looks again after it
            }

            entry.State = PluginState.Gone;
            entry.LastError = reason;
            entry.Since = _time.GetUtcNow();
            if (entry.Announced)
            {
                entry.Announced = false;
                plugin = entry.Current;
            }
        }

        Log.PluginGone(_logger, name, reason);
        if (plugin is not null)
        {
            await DeliverAsync(PluginEventKind.Gone, plugin, Targets(plugin, 0), cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    private static string Describe(IReadOnlyList<string> implements) =>
        implements.Count == 0 ? "nothing" : string.Join(", ", implements);

    /// <summary>Stops activations and disposes every client the registry made.</summary>
    public void Dispose()
    {
        List<PluginClient> clients;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            clients = [.. _entries.Values.Select(e => e.Current?.Client).OfType<PluginClient>(), .. _retired];
            _retired.Clear();
        }

        _shutdown.Cancel();
        foreach (var client in clients)
        {
            client.Dispose();
        }

        _shutdown.Dispose();
    }

    /// <summary>Stops activations, waits for those in flight to end, and disposes every client the registry made.</summary>
    public async ValueTask DisposeAsync()
    {
        Task[] inFlight;
        lock (_lock)
        {
            inFlight = [.. _entries.Values.Select(e => e.InFlight).OfType<Task>()];
        }

        if (!_shutdown.IsCancellationRequested && !_disposed)
        {
            await _shutdown.CancelAsync().ConfigureAwait(false);
        }

        await Task.WhenAll(inFlight.Select(t => t.ContinueWith(static _ => { }, CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default))).ConfigureAwait(false);
        Dispose();
    }
}
