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
/// While no <c>GET /events</c> client listens, changes are only held with their arrival time (<see cref="EventBacklog"/>)
/// and decoded when a client subscribes: the daemon's hot path then pays no decode per commit. The watch is an inline
/// one (<see cref="IKeyValueStore.WatchInlineAsync(string, long, CancellationToken)"/>): <see cref="Receive"/> only takes a lock, holds or decodes the
/// change and hands events to the hub's queues, so the committing thread runs it instead of waking a pool worker per
/// commit. Nothing under <see cref="Gate"/> calls the store.
/// </summary>
internal sealed partial class NetworkEventSource : IAsyncDisposable, IEventBacklog
{
    private readonly IKeyValueStore _store;
    private readonly EventHub _hub;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly StoredView _view = new();
    private readonly Lock _gate = new();
    private readonly EventBacklog _backlog = new();
    private Task _loop = Task.CompletedTask;

    public NetworkEventSource(IKeyValueStore store, EventHub hub, TimeProvider time, ILogger logger)
    {
        _store = store;
        _hub = hub;
        _time = time;
        _logger = logger;
        hub.AttachBacklog(this);
    }

    /// <inheritdoc />
    public Lock Gate => _gate;

    /// <inheritdoc />
    public void CatchUp()
    {
        foreach (var item in _backlog.TakeAll())
        {
            Apply(item.Change, item.Kind, item.Id, item.Time);
        }
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

        lock (_gate)
        {
            CatchUp(); // what was held back came before the state just read
            var now = _time.GetUtcNow();
            foreach (var change in emit ? _view.Diff(fresh) : [])
            {
                Publish(change, now);
            }

            _view.ReplaceWith(fresh);
        }

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

                await foreach (var change in _store.WatchInlineAsync(StoredObjects.ObjectPrefixes, revision, cancellationToken).ConfigureAwait(false))
                {
                    revision = change.Revision;
                    Receive(change);
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

    private void Receive(WatchEvent change)
    {
        if (!StoredObjects.TryParseKey(change.Key, out var kind, out var id))
        {
            return;
        }

        var now = _time.GetUtcNow();
        lock (_gate)
        {
            if (_hub.Listeners > 0)
            {
                CatchUp();
                Apply(change, kind, id, now);
                return;
            }

            _backlog.Add(change, kind, id, now, _view);
            if (_backlog.Count >= EventBacklog.Limit)
            {
                Fold(_backlog.TakeFoldable());
                if (_backlog.Count >= EventBacklog.Limit)
                {
                    CatchUp(); // too few certain events to fold: decode them after all
                }
            }
        }
    }

    private void Apply(WatchEvent change, StoredObjectKind kind, string id, DateTimeOffset time)
    {
        var changes = change.Type == WatchEventType.Delete ? _view.Remove(kind, id)
            : Decode(change.Entry) is { } facts ? _view.Put(kind, id, facts) : [];
        foreach (var e in changes)
        {
            Publish(e, time);
        }
    }

    /// <summary>
    /// Applies the last change of each object without events (their events are older than the kept window): sandboxes
    /// first, so that an endpoint's container resolves as it did when it joined, and removed sandboxes last.
    /// </summary>
    private void Fold(List<EventBacklog.Item> folded)
    {
        foreach (var item in folded.Where(i => i.Kind == StoredObjectKind.Sandbox && i.Change.Type != WatchEventType.Delete))
        {
            ApplyQuietly(item);
        }

        foreach (var item in folded.Where(i => i.Kind != StoredObjectKind.Sandbox))
        {
            ApplyQuietly(item);
        }

        foreach (var item in folded.Where(i => i.Kind == StoredObjectKind.Sandbox && i.Change.Type == WatchEventType.Delete))
        {
            ApplyQuietly(item);
        }
    }

    private void ApplyQuietly(EventBacklog.Item item)
    {
        if (item.Change.Type == WatchEventType.Delete)
        {
            _view.Remove(item.Kind, item.Id);
        }
        else if (Decode(item.Change.Entry) is { } facts)
        {
            _view.Put(item.Kind, item.Id, facts);
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

    private void Publish(StoredView.Change change, DateTimeOffset now)
    {
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
