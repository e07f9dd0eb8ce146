using Cnm.Core.Control;
using Cnm.Core.Drivers;
using Cnm.Core.Errors;
using Cnm.Core.Persistence;
using Cnm.Core.Store;
using Microsoft.Extensions.Logging;

namespace Cnm.Core.Cluster;

/// <summary>
/// Keeps a node's controller in step with the cluster store (spec/cluster.md, "Watches"): lists the global networks and
/// endpoints, adopts the ones it does not list and drops the ones gone, then watches the prefix from the list's revision.
/// A watch that breaks is resumed after the last change seen; one whose revision etcd no longer keeps is replaced by a
/// new list. Changes this node made itself arrive too and change nothing.
/// </summary>
public sealed class ClusterSync : IAsyncDisposable
{
    private readonly ClusterStateStore _store;
    private readonly Controller _controller;
    private readonly ILogger _logger;
    private readonly TimeSpan _retryDelay;
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    /// <summary>Syncs <paramref name="controller"/> with the cluster side of <paramref name="store"/>.</summary>
    public ClusterSync(ClusterStateStore store, Controller controller, ILogger logger, TimeSpan? retryDelay = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(controller);
        ArgumentNullException.ThrowIfNull(logger);
        _store = store;
        _controller = controller;
        _logger = logger;
        _retryDelay = retryDelay ?? TimeSpan.FromMilliseconds(500);
    }

    /// <summary>The revision of the last cluster change applied (0 before the first list).</summary>
    public long Revision { get; private set; }

    /// <summary>Starts the list-and-watch loop in the background.</summary>
    public void Start() => _loop = Task.Run(() => RunAsync(_stop.Token));

    /// <summary>Stops the loop.</summary>
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

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var listed = false;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (!listed)
                {
                    await ListAsync(cancellationToken).ConfigureAwait(false);
                    listed = true;
                }

                await BlockingWork.LeaveEventThreadAsync(); // etcd's WatchAsync waits for its round trip before it returns
                await foreach (var change in _store.Cluster.WatchAsync(StateKeys.Root, Revision, cancellationToken).ConfigureAwait(false))
                {
                    await ApplyAsync(change, cancellationToken).ConfigureAwait(false);
                    Revision = change.Revision;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (StoreWatchLostException ex)
            {
                ClusterLog.WatchLost(_logger, ex.Message);
                listed = false;
            }
            catch (Exception ex) when (ex is CnmException or IOException or InvalidOperationException)
            {
                ClusterLog.WatchFailed(_logger, ex.Message);
                await DelayAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task DelayAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(_retryDelay, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Adopts what the cluster lists and drops the global objects it no longer has.</summary>
    private async Task ListAsync(CancellationToken cancellationToken)
    {
        var list = await _store.Cluster.ListAsync(StateKeys.Root, cancellationToken).ConfigureAwait(false);
        var networks = new HashSet<string>(StringComparer.Ordinal);
        var endpoints = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in list.Entries.OrderBy(e => e.Key.StartsWith(StateKeys.Endpoints, StringComparison.Ordinal)))
        {
            await ApplyAsync(new WatchEvent(WatchEventType.Put, entry), cancellationToken).ConfigureAwait(false);
            if (StoredObjects.TryParseKey(entry.Key, out var kind, out var id))
            {
                _ = kind == StoredObjectKind.Network ? networks.Add(id) : endpoints.Add(id);
            }
        }

        var global = _controller.Networks.Where(n => n.Scope == DriverScope.Global).Select(n => n.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var endpoint in _controller.Endpoints.Where(e => global.Contains(e.NetworkId) && !endpoints.Contains(e.Id)))
        {
            await ApplyAsync(new WatchEvent(WatchEventType.Delete, new KeyValueEntry(StateKeys.Endpoint(endpoint.Id), ReadOnlyMemory<byte>.Empty, 0, list.Revision, 0)), cancellationToken).ConfigureAwait(false);
        }

        foreach (var id in global.Where(id => !networks.Contains(id)))
        {
            await ApplyAsync(new WatchEvent(WatchEventType.Delete, new KeyValueEntry(StateKeys.Network(id), ReadOnlyMemory<byte>.Empty, 0, list.Revision, 0)), cancellationToken).ConfigureAwait(false);
        }

        Revision = list.Revision;
        ClusterLog.Synced(_logger, list.Revision, networks.Count, endpoints.Count);
    }

    private async Task ApplyAsync(WatchEvent change, CancellationToken cancellationToken)
    {
        if (!StoredObjects.TryParseKey(change.Key, out var kind, out var id) || kind == StoredObjectKind.Sandbox)
        {
            return;
        }

        if (_store.IsStale(change))
        {
            return;
        }

        try
        {
            _store.Observe(change);
            var changed = (kind, change.Type) switch
            {
                (StoredObjectKind.Network, WatchEventType.Put) => await _controller.AdoptClusterNetworkAsync(StoredObjects.DecodeNetwork(change.Entry), cancellationToken).ConfigureAwait(false),
                (StoredObjectKind.Network, _) => await _controller.ForgetClusterNetworkAsync(id, cancellationToken).ConfigureAwait(false),
                (_, WatchEventType.Put) => _controller.AdoptClusterEndpoint(StoredObjects.DecodeEndpoint(change.Entry)),
                _ => _controller.ForgetClusterEndpoint(id),
            };
            if (changed)
            {
                ClusterLog.Changed(_logger, kind == StoredObjectKind.Network ? "network" : "endpoint", id, change.Type == WatchEventType.Put ? "adopted" : "removed");
            }
        }
        catch (CnmException ex)
        {
            ClusterLog.BadRecord(_logger, change.Key, ex);
        }
    }
}
