using Cnm.Core.Errors;
using Cnm.Core.Persistence;
using Cnm.Core.Store;

namespace Cnm.Daemon.DockerApi.Events;

/// <summary>
/// Docker's network events, derived from the state store's watch rather than from the API handlers, so that every
/// path that changes a network or an endpoint is seen: the Docker routes, the native routes, a sandbox delete that
/// leaves and deletes its endpoints, and whatever the controller does by itself (spec/daemon-api.md, "GET /events").
/// It keeps the last stored state of each network, endpoint and sandbox to tell a create from an update and a
/// connect from a disconnect. Only committed states are stored, so an operation that is rolled back emits nothing.
/// </summary>
internal sealed partial class NetworkEventSource : IAsyncDisposable
{
    private readonly IKeyValueStore _store;
    private readonly EventHub _hub;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly StoredView _view = new();
    private Task _loop = Task.CompletedTask;

    public NetworkEventSource(IKeyValueStore store, EventHub hub, TimeProvider time, ILogger logger)
    {
        _store = store;
        _hub = hub;
        _time = time;
        _logger = logger;
    }

    /// <summary>Reads the stored state (which emits nothing: those objects existed before) and starts watching.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        long? revision = null;
        try
        {
            revision = await LoadAsync(emit: false, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.WatchLost(_logger, ex); // the loop reads again; events never stop the daemon
        }

        _loop = Task.Run(() => RunAsync(revision, _stop.Token), CancellationToken.None);
    }

    /// <summary>Reads every record; after a lost watch (<paramref name="emit"/>) publishes what changed since the last view.</summary>
    private async Task<long> LoadAsync(bool emit, CancellationToken cancellationToken)
    {
        var list = await _store.ListAsync(StoredObjects.Prefix, cancellationToken).ConfigureAwait(false);
        var fresh = new StoredView();
        foreach (var entry in list.Entries)
        {
            if (StoredObjects.TryParseKey(entry.Key, out var kind, out var id) && Decode(entry) is { } facts)
            {
                fresh.Set(kind, id, facts);
            }
        }

        fresh.ResolveContainers();

        foreach (var change in emit ? _view.Diff(fresh) : [])
        {
            Publish(change);
        }

        _view.ReplaceWith(fresh);
        return list.Revision;
    }

    private async Task RunAsync(long? start, CancellationToken cancellationToken)
    {
        var loaded = start is not null;
        var revision = start ?? 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (!loaded)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(200), _time, cancellationToken).ConfigureAwait(false);
                    revision = await LoadAsync(emit: false, cancellationToken).ConfigureAwait(false);
                    loaded = true;
                }

                await foreach (var change in _store.WatchAsync(StoredObjects.Prefix, revision, cancellationToken).ConfigureAwait(false))
                {
                    revision = change.Revision;
                    Apply(change);
                }

                return; // the store closed
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Fell behind, or the store failed: read the state again and emit what changed meanwhile.
                Log.WatchLost(_logger, ex);
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(200), _time, cancellationToken).ConfigureAwait(false);
                    revision = await LoadAsync(emit: loaded, cancellationToken).ConfigureAwait(false);
                    loaded = true;
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception again) when (again is not OperationCanceledException)
                {
                    Log.WatchLost(_logger, again);
                }
            }
        }
    }

    private void Apply(WatchEvent change)
    {
        if (!StoredObjects.TryParseKey(change.Key, out var kind, out var id))
        {
            return;
        }

        var changes = change.Type == WatchEventType.Delete ? _view.Remove(kind, id)
            : Decode(change.Entry) is { } facts ? _view.Put(kind, id, facts) : [];
        foreach (var e in changes)
        {
            Publish(e);
        }
    }

    /// <summary>What the event stream needs of one record; null (logged) for a record that cannot be decoded.</summary>
    private object? Decode(KeyValueEntry entry)
    {
        if (!StoredObjects.TryParseKey(entry.Key, out var kind, out _))
        {
            return null;
        }

        try
        {
            return kind switch
            {
                StoredObjectKind.Network => StoredView.NetworkFacts.From(StoredObjects.DecodeNetwork(entry)),
                StoredObjectKind.Endpoint => StoredView.EndpointFacts.From(StoredObjects.DecodeEndpoint(entry)),
                _ => StoredView.SandboxFacts.From(StoredObjects.DecodeSandbox(entry)),
            };
        }
        catch (CnmException ex)
        {
            Log.Undecodable(_logger, entry.Key, ex.Message);
            return null;
        }
    }

    private void Publish(StoredView.Change change)
    {
        var now = _time.GetUtcNow();
        var attributes = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["name"] = change.NetworkName, ["type"] = change.NetworkType };
        if (change.ContainerId is { } container)
        {
            attributes["container"] = container;
        }

        var nanos = (now - DateTimeOffset.UnixEpoch).Ticks * 100;
        _hub.Publish(new EventMessage("network", change.Action, new EventActor(change.NetworkId, attributes), "local",
            now.ToUnixTimeSeconds(), nanos));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 300, Level = LogLevel.Warning, Message = "event stream: the store watch was lost; reading the state again")]
        public static partial void WatchLost(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 301, Level = LogLevel.Warning, Message = "event stream: store record {Key} skipped: {Reason}")]
        public static partial void Undecodable(ILogger logger, string key, string reason);
    }
}
