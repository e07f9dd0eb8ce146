using Cnm.Core.Cluster;
using Cnm.Core.Control;
using Cnm.Core.Store;
using Cnm.Protocol.Network;
using Cnm.Store.Etcd;

namespace Cnm.Daemon.Hosting;

/// <summary>
/// cnmd as a node of a cluster (<c>--cluster-store</c>; spec/cluster.md): the etcd store behind its outage guard, the
/// controller's store that routes global records there, and the default IPAM whose <c>GlobalDefault</c> space lives there.
/// Disposed in reverse: the sync, then the guard and the etcd client; the local store is the caller's.
/// </summary>
internal sealed class ClusterSetup : IAsyncDisposable
{
    private ClusterSetup(EtcdKeyValueStore etcd, ClusterStoreGuard guard, ClusterStateStore store, ClusterIpam ipam)
    {
        Etcd = etcd;
        Guard = guard;
        Store = store;
        Ipam = ipam;
    }

    public EtcdKeyValueStore Etcd { get; }

    public ClusterStoreGuard Guard { get; }

    /// <summary>The controller's store: local records in <c>local</c>, global ones in etcd.</summary>
    public ClusterStateStore Store { get; }

    /// <summary>The <c>default</c> IPAM of this node.</summary>
    public ClusterIpam Ipam { get; }

    /// <summary>Connects to etcd (an Unavailable error when no member answers within the retry budget) and composes the pieces.</summary>
    public static async Task<ClusterSetup> ConnectAsync(DaemonOptions options, IKeyValueStore local, CancellationToken cancellationToken)
    {
        var etcdOptions = options.ClusterStoreOptions!;
        var etcd = await EtcdKeyValueStore.ConnectAsync(etcdOptions, cancellationToken).ConfigureAwait(false);
        var guard = new ClusterStoreGuard(etcd, options.ClusterStore!);
        var ipam = new ClusterIpam(guard, options.EffectiveNodeName);
        return new ClusterSetup(etcd, guard, new ClusterStateStore(local, guard) { Claims = ipam }, ipam);
    }

    /// <summary>What disposes <paramref name="cluster"/>; nothing without a cluster store.</summary>
    public static IAsyncDisposable Lifetime(ClusterSetup? cluster) => (IAsyncDisposable?)cluster ?? new Nothing();

    /// <summary>Starts following the cluster's networks and endpoints into <paramref name="controller"/>; the result stops it.</summary>
    public static IAsyncDisposable StartSync(ClusterSetup? cluster, Controller controller, ILogger logger)
    {
        if (cluster is null)
        {
            return new Nothing();
        }

        var sync = new ClusterSync(cluster.Store, controller, logger);
        sync.Start();
        return sync;
    }

    /// <summary>
    /// Joins the cluster's membership (spec/cluster.md, "Membership"): settles what this node's previous run left, keeps its
    /// lease-backed key, sends node discovery to <paramref name="controller"/>'s global drivers and sweeps nodes that go.
    /// Null without a cluster store or without <c>--advertise-addr</c>; disposing the result revokes the lease.
    /// </summary>
    public static async Task<ClusterMembership?> StartMembershipAsync(ClusterSetup? cluster, DaemonOptions options, Controller controller,
        ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        if (cluster is null || string.IsNullOrWhiteSpace(options.AdvertiseAddr))
        {
            return null;
        }

        var membershipOptions = new ClusterMembershipOptions
        {
            NodeName = options.EffectiveNodeName,
            AdvertiseAddress = options.AdvertiseAddr,
            LeaseTtl = options.EffectiveClusterLeaseTtl,
        };
        // The addresses this node's previous run took and never committed (killed mid-allocation) are freed before it serves.
        var node = membershipOptions.NodeName;
        var sweeper = new ClusterAddressSweeper(cluster.Etcd, loggerFactory.CreateLogger<ClusterAddressSweeper>());
        await sweeper.SweepAsync(node, self: true, cancellationToken).ConfigureAwait(false);
        var membership = await ClusterMembership.StartAsync(cluster.Etcd, membershipOptions, async (member, joined, ct) =>
        {
            await controller.NotifyNodeDiscoveryAsync(member.Name, new NodeDiscoveryData(member.Ip, "", member.Name == node), joined, ct).ConfigureAwait(false);
            if (!joined && member.Name != node)
            {
                await sweeper.TrySweepAsync(member.Name, ct).ConfigureAwait(false);
            }
        }, loggerFactory, cancellationToken).ConfigureAwait(false);

        // Nodes that died while no one watched: they hold addresses but have no membership key.
        foreach (var holder in await sweeper.HoldersAsync(cancellationToken).ConfigureAwait(false))
        {
            if (holder != node && membership.Members.All(m => m.Name != holder))
            {
                await sweeper.TrySweepAsync(holder, cancellationToken).ConfigureAwait(false);
            }
        }

        return membership;
    }

    public async ValueTask DisposeAsync()
    {
        Ipam.Dispose();
        await Guard.DisposeAsync().ConfigureAwait(false);
        await Etcd.DisposeAsync().ConfigureAwait(false);
    }

    private sealed class Nothing : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
