using System.Collections.Concurrent;
using System.Threading.Channels;
using Cnm.Plugins.Discovery;
using Cnm.Plugins.Registry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cnm.Plugins.Watching;

/// <summary>
/// Watches the socket and spec directories and keeps the <see cref="PluginRegistry"/> in step with them:
/// a new plugin is activated (its subscribers run), a replaced one is activated again, a removed one is
/// reported as gone. The reference host watches nothing and activates lazily; Cnm does both
/// (docs/decisions.md, "discovery" and "plugin restart").
/// </summary>
/// <remarks>
/// File system events trigger a scan after a short debounce; a periodic rescan catches whatever the events
/// missed. A plugin whose activation fails is retried with exponential backoff
/// (<see cref="PluginWatcherOptions.ActivationRetryInitial"/> doubling up to <see cref="PluginWatcherOptions.ActivationRetryMax"/>),
/// or at once when its file changes. All delays use the injected <see cref="TimeProvider"/>.
/// </remarks>
public sealed partial class PluginWatcher : BackgroundService
{
    private readonly PluginRegistry _registry;
    private readonly PluginWatcherOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    // Touched only by the scan loop.
    private readonly Dictionary<string, RetryState> _retries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _reportedErrors = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _activating = new(StringComparer.Ordinal); // name -> fingerprint

    // Written by activation continuations, drained by the scan loop.
    private readonly ConcurrentQueue<(string Name, string Fingerprint, PluginException? Error)> _outcomes = new();
    private long _scanCount;

    /// <summary>Creates a watcher that feeds <paramref name="registry"/> from the directories of its discovery.</summary>
    public PluginWatcher(PluginRegistry registry, PluginWatcherOptions? options = null, TimeProvider? timeProvider = null,
        ILogger<PluginWatcher>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        _registry = registry;
        _options = options ?? new PluginWatcherOptions();
        _options.Validate();
        _time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>How many scans have completed; lets tests and diagnostics see the watcher at work.</summary>
    public long ScanCount => Interlocked.Read(ref _scanCount);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield(); // let the host's StartAsync return
        var discovery = _registry.Discovery;
        var roots = new[] { discovery.SocketDirectory }.Concat(discovery.SpecDirectories).ToList();
        using var watches = new DirectoryWatchSet(roots, Wake, ex => Log.WatchFailed(_logger, ex.Message, ex));
        Log.Started(_logger, string.Join(", ", roots));
        var nextRescan = _time.GetUtcNow();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                watches.Refresh(); // before the scan, so nothing created after the scan goes unseen
                while (_wake.Reader.TryRead(out _))
                {
                }

                try
                {
                    await ScanAsync(stoppingToken).ConfigureAwait(false);
                }
#pragma warning disable CA1031 // An unexpected failure must not stop the watcher (nor, through BackgroundService, the host).
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
#pragma warning restore CA1031
                {
                    Log.ScanFailed(_logger, ex.Message, ex);
                }

                Interlocked.Increment(ref _scanCount);
                var now = _time.GetUtcNow();
                if (now >= nextRescan)
                {
                    nextRescan = now + _options.RescanInterval;
                }

                await WaitAsync(NextWake(nextRescan) - now, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        Log.Stopped(_logger);
    }

    private void Wake() => _wake.Writer.TryWrite(true);

    private DateTimeOffset NextWake(DateTimeOffset nextRescan)
    {
        var next = nextRescan;
        foreach (var retry in _retries.Values)
        {
            if (retry.NextAttempt < next)
            {
                next = retry.NextAttempt;
            }
        }

        return next;
    }

    /// <summary>Waits until <paramref name="delay"/> passes or an event arrives; after an event, waits the debounce.</summary>
    private async Task WaitAsync(TimeSpan delay, CancellationToken stoppingToken)
    {
        if (delay > TimeSpan.Zero)
        {
            using var timer = new CancellationTokenSource(delay, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, timer.Token);
            try
            {
                await _wake.Reader.WaitToReadAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                return; // the timer: a rescan or a retry is due
            }
        }

        if (_options.Debounce > TimeSpan.Zero)
        {
            await Task.Delay(_options.Debounce, _time, stoppingToken).ConfigureAwait(false);
        }
    }

    private async Task ScanAsync(CancellationToken stoppingToken)
    {
        ApplyOutcomes();
        IReadOnlyList<DiscoveredPlugin> plugins;
        IReadOnlyList<PluginScanError> errors;
        try
        {
            (plugins, errors) = _registry.Discovery.ScanCore();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Log.ScanFailed(_logger, ex.Message, ex); // keep every plugin as it is; the next scan tries again
            return;
        }

        var now = _time.GetUtcNow();
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var plugin in plugins)
        {
            var name = plugin.Spec.Name;
            present.Add(name);
            _reportedErrors.Remove(name);
            if (_registry.IsActiveFrom(name, plugin.Fingerprint))
            {
                _retries.Remove(name); // e.g. activated through GetAsync meanwhile
                continue;
            }

            // An activation of this very file is in flight (ours or a GetAsync's): its outcome decides.
            if ((_activating.TryGetValue(name, out var pending) && pending == plugin.Fingerprint)
                || _registry.IsActivating(name, plugin.Fingerprint))
            {
                continue;
            }

            if (_retries.TryGetValue(name, out var retry) && retry.Fingerprint == plugin.Fingerprint && now < retry.NextAttempt)
            {
                continue;
            }

            Activate(plugin);
        }

        foreach (var error in errors)
        {
            if (!_reportedErrors.TryGetValue(error.Name, out var reported) || reported != error.Error.Message)
            {
                _reportedErrors[error.Name] = error.Error.Message;
                Log.SpecFileBroken(_logger, error.Name, error.Source, error.Error.Message, error.Error);
            }
        }

        foreach (var name in _reportedErrors.Keys.Where(n => !errors.Any(e => e.Name == n)).ToList())
        {
            _reportedErrors.Remove(name);
        }

        foreach (var name in _registry.PresentNames())
        {
            if (present.Contains(name) || _activating.ContainsKey(name))
            {
                continue;
            }

            _retries.Remove(name);
            var reason = errors.FirstOrDefault(e => e.Name == name)?.Error.Message
                ?? "its socket or spec file was removed";
            await _registry.MarkGoneAsync(name, reason, stoppingToken).ConfigureAwait(false);
        }
    }

    private void Activate(DiscoveredPlugin plugin)
    {
        var name = plugin.Spec.Name;
        Task<ActivePlugin> activation;
        try
        {
            activation = _registry.StartActivation(plugin, replace: true);
        }
        catch (ObjectDisposedException)
        {
            return; // the registry is shutting down
        }

        _activating[name] = plugin.Fingerprint;
        _ = activation.ContinueWith(t =>
        {
            _outcomes.Enqueue((name, plugin.Fingerprint, t.Exception?.InnerException as PluginException
                ?? (t.IsCompletedSuccessfully ? null : new PluginException(Protocol.ErrorCategory.Internal, name, null, "activation did not complete"))));
            Wake(); // look again at once: the file may have changed or gone meanwhile
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private void ApplyOutcomes()
    {
        var now = _time.GetUtcNow();
        while (_outcomes.TryDequeue(out var outcome))
        {
            if (_activating.TryGetValue(outcome.Name, out var fingerprint) && fingerprint == outcome.Fingerprint)
            {
                _activating.Remove(outcome.Name);
            }

            if (outcome.Error is null)
            {
                _retries.Remove(outcome.Name);
                continue;
            }

            var failures = _retries.TryGetValue(outcome.Name, out var previous) && previous.Fingerprint == outcome.Fingerprint
                ? previous.Failures + 1
                : 1;
            var delay = RetryState.Delay(failures, _options.ActivationRetryInitial, _options.ActivationRetryMax);
            _retries[outcome.Name] = new RetryState(outcome.Fingerprint, failures, now + delay);
            Log.RetryScheduled(_logger, outcome.Name, failures, delay.TotalSeconds, outcome.Error.Message);
        }
    }
}
