using Cnm.Core.Control;
using Cnm.Core.Errors;
using Cnm.Core.Store;
using Cnm.Protocol.Network;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cnm.Core.Cluster;

/// <summary>
/// This node's part in the cluster (spec/cluster-membership.md): it settles the intents its previous run left, keeps
/// its lease-backed membership key, tells the controller's global drivers of every node that joins or leaves
/// (DiscoverNew / DiscoverDelete, type 1, <c>Self</c> for this node), and sweeps the intents of every node that goes.
/// Start it once the controller exists, with the global (etcd) store; dispose it on a clean stop, which revokes the
/// lease so the other nodes see this one go at once.
/// </summary>
public sealed class ClusterMembership : IAsyncDisposable
{
    private readonly IKeyValueStore _store;
    private readonly Func<ClusterMember, bool, CancellationToken, Task> _notify;
    private readonly ILogger _logger;
    private readonly NodeLease _lease;
    private readonly MembershipWatcher _watcher;
    private readonly IntentSweeper _sweeper;
    private readonly CancellationTokenSource _stop = new();
    private Task? _watching;
    private int _stopped;

    private ClusterMembership(IKeyValueStore store, ILeaseStore leases, ClusterMembershipOptions options,
        Func<ClusterMember, bool, CancellationToken, Task> notify, ILogger logger)
    {
        _store = store;
        _notify = notify;
        _logger = logger;
        Self = new ClusterMember(options.NodeName, options.AdvertiseAddress, Guid.NewGuid().ToString("N"));
        _lease = new NodeLease(leases, Self, options, logger);
        _watcher = new MembershipWatcher(store, OnChangeAsync, options.RetryDelay, logger);
        _sweeper = new IntentSweeper(store, logger);
        Journal = new GlobalIntentJournal(store, options.NodeName);
    }

    /// <summary>This node.</summary>
    public ClusterMember Self { get; }

    /// <summary>The members known now, this node included, by name.</summary>
    public IReadOnlyList<ClusterMember> Members => _watcher.Members;

    /// <summary>This node's global intents (for the global allocation code).</summary>
    public GlobalIntentJournal Journal { get; }

    /// <summary>
    /// The wiring point for cnmd: starts membership on <paramref name="store"/> (which must support leases, as
    /// the etcd store does) and sends node discovery to <paramref name="controller"/>'s global drivers. When it
    /// returns, this node is registered and the drivers have heard of every current member.
    /// </summary>
    public static Task<ClusterMembership> StartAsync(IKeyValueStore store, Controller controller, ClusterMembershipOptions options,
        ILoggerFactory? loggerFactory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(controller);
        return StartAsync(store, options, (node, joined, ct) => controller.NotifyNodeDiscoveryAsync(
            node.Name, new NodeDiscoveryData(node.Ip, "", node.Name == options.NodeName), joined, ct), loggerFactory, cancellationToken);
    }

    /// <summary>As the other overload, with <paramref name="notify"/> (node, joined) in place of a controller.</summary>
    public static async Task<ClusterMembership> StartAsync(IKeyValueStore store, ClusterMembershipOptions options,
        Func<ClusterMember, bool, CancellationToken, Task> notify, ILoggerFactory? loggerFactory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(notify);
        options.Validate();
        if (store is not ILeaseStore leases)
        {
            throw CnmException.InvalidParameter("cluster membership needs a store with leases (etcd); this store has none");
        }

        var logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<ClusterMembership>();
        var membership = new ClusterMembership(store, leases, options, notify, logger);
        try
        {
            // A new run of this node: whatever its previous run left in flight is settled first.
            await membership._sweeper.SweepNodeAsync(options.NodeName, onlyIfGone: false, cancellationToken).ConfigureAwait(false);
            await membership._lease.StartAsync(cancellationToken).ConfigureAwait(false);
            var revision = await membership._watcher.SyncAsync(cancellationToken).ConfigureAwait(false);
            membership._watching = Task.Run(() => membership._watcher.RunAsync(revision, membership._stop.Token), CancellationToken.None);
            await membership._sweeper.SweepGoneNodesAsync(cancellationToken).ConfigureAwait(false);
            return membership;
        }
        catch
        {
            await membership.StopAsync(revoke: true).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Clean stop: stops watching and revokes the lease, so this node's key is deleted at once.</summary>
    public ValueTask DisposeAsync() => new(StopAsync(revoke: true));

    /// <summary>Test hook for a node that dies (kill -9, power loss): everything stops, and the lease is left to expire.</summary>
    internal Task AbandonAsync() => StopAsync(revoke: false);

    private async Task StopAsync(bool revoke)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        if (_watching is { } watching)
        {
            await watching.ConfigureAwait(false);
        }

        try
        {
            await _lease.StopAsync(revoke, CancellationToken.None).ConfigureAwait(false);
        }
        catch (CnmException ex)
        {
            // etcd unreachable: the lease expires by itself.
            MembershipLog.LeaseRenewFailed(_logger, Self.Name, ex);
        }

        _lease.Dispose();
        _stop.Dispose();
    }

    private async Task OnChangeAsync(ClusterMember node, bool joined, CancellationToken cancellationToken)
    {
        if (joined)
        {
            MembershipLog.NodeJoined(_logger, node.Name, node.Address, node.Name == Self.Name ? " (this node)" : "");
        }
        else
        {
            MembershipLog.NodeLeft(_logger, node.Name, node.Address);
        }

        await _notify(node, joined, cancellationToken).ConfigureAwait(false);
        if (!joined && node.Name != Self.Name)
        {
            try
            {
                await _sweeper.SweepNodeAsync(node.Name, onlyIfGone: true, cancellationToken).ConfigureAwait(false);
            }
            catch (CnmException ex)
            {
                MembershipLog.SweepFailed(_logger, node.Name, ex);
            }
        }
    }
}
