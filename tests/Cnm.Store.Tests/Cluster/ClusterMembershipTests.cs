using Cnm.Core.Cluster;
using Cnm.Core.Control;
using Cnm.Core.Store;
using Cnm.Protocol.Network;
using Cnm.Store.Etcd;
using Cnm.Store.Tests.Etcd;

namespace Cnm.Store.Tests.Cluster;

/// <summary>
/// Membership on a real etcd (spec/cluster-membership.md): two nodes, each with its own store client and (for A) a
/// controller whose global driver records node discovery, on one etcd and one prefix.
/// </summary>
public sealed class ClusterMembershipTests(EtcdNodeFixture etcd) : IClassFixture<EtcdNodeFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);
    private readonly EtcdScratch _scratch = new(etcd);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _scratch.DisposeAsync();

    [Fact]
    public async Task StartAsync_TwoNodes_GlobalDriverGetsDiscoverNewForItselfWithSelfAndForTheOther()
    {
        var (recorder, _) = await StartControllerNodeAsync("node-a", "10.0.0.1:7946");
        await StartNodeAsync("node-b", "10.0.0.2");

        var self = await recorder.Global.WaitForAsync("DiscoverNew", "10.0.0.1", Generous);
        var other = await recorder.Global.WaitForAsync("DiscoverNew", "10.0.0.2", Generous);

        Assert.Equal((DiscoveryTypes.NodeDiscovery, true), (self.Type, self.Self));
        Assert.Equal((DiscoveryTypes.NodeDiscovery, false), (other.Type, other.Self));
        Assert.Equal("""{"Address":"10.0.0.2","BindAddress":"","Self":false}""", other.Json);
        Assert.Empty(recorder.Local.Calls);
    }

    [Fact]
    public async Task Abandon_NodeStopsWithoutRevoking_DiscoverDeleteArrivesOnceTheLeaseExpires()
    {
        var (recorder, a) = await StartControllerNodeAsync("node-a", "10.0.1.1");
        var b = await StartNodeAsync("node-b", "10.0.1.2", ttl: TimeSpan.FromSeconds(2));
        await recorder.Global.WaitForAsync("DiscoverNew", "10.0.1.2", Generous);

        await b.AbandonAsync();

        // Nothing revoked the lease: etcd deletes the key after the TTL, and the watch reports it.
        var gone = await recorder.Global.WaitForAsync("DiscoverDelete", "10.0.1.2", TimeSpan.FromSeconds(2) + Generous);
        Assert.False(gone.Self);
        Assert.Equal(["node-a"], a.Members.Select(m => m.Name));
        Assert.DoesNotContain(recorder.Global.Calls, c => c.Call == "DiscoverDelete" && c.Address == "10.0.1.1");
    }

    [Fact]
    public async Task DisposeAsync_CleanStop_RevokesTheLeaseSoTheKeyIsGoneAtOnce()
    {
        var (recorder, _) = await StartControllerNodeAsync("node-a", "10.0.2.1");
        var b = await StartNodeAsync("node-b", "10.0.2.2", ttl: TimeSpan.FromSeconds(3600));
        await recorder.Global.WaitForAsync("DiscoverNew", "10.0.2.2", Generous);
        var reader = await ConnectAsync();

        await b.DisposeAsync();

        // A one-hour lease: only a revoke can have deleted the key by now.
        Assert.Null(await reader.GetAsync(ClusterKeys.Node("node-b"), CancellationToken.None));
        await recorder.Global.WaitForAsync("DiscoverDelete", "10.0.2.2", Generous);
    }

    [Fact]
    public async Task NotifyNodeDiscovery_GlobalDriverRegisteredLater_GetsDiscoverNewForEveryKnownNode()
    {
        var (recorder, _) = await StartControllerNodeAsync("node-a", "10.0.3.1");
        await StartNodeAsync("node-b", "10.0.3.2");
        await recorder.Global.WaitForAsync("DiscoverNew", "10.0.3.2", Generous);

        recorder.RegisterLate();

        Assert.True((await recorder.Late.WaitForAsync("DiscoverNew", "10.0.3.1", Generous)).Self);
        Assert.False((await recorder.Late.WaitForAsync("DiscoverNew", "10.0.3.2", Generous)).Self);
    }

    [Fact]
    public async Task Renewal_LeaseRevokedBehindTheNodesBack_NodeRegistersAgainAndOthersSeeItLeaveAndReturn()
    {
        var (recorder, _) = await StartControllerNodeAsync("node-a", "10.0.4.1");
        await StartNodeAsync("node-b", "10.0.4.2", ttl: TimeSpan.FromSeconds(3));
        await recorder.Global.WaitForAsync("DiscoverNew", "10.0.4.2", Generous);
        var admin = await ConnectAsync();
        var key = await admin.GetAsync(ClusterKeys.Node("node-b"), CancellationToken.None);
        Assert.NotNull(key);

        // As if node B had been cut off for longer than its TTL: its lease is gone, and so is its key.
        var leaseOfB = await LeaseOfAsync(admin, "node-b");
        await ((ILeaseStore)admin).RevokeLeaseAsync(leaseOfB, CancellationToken.None);
        await recorder.Global.WaitForAsync("DiscoverDelete", "10.0.4.2", Generous);

        await WaitUntilAsync(async () => await admin.GetAsync(ClusterKeys.Node("node-b"), CancellationToken.None) is not null);
        await WaitUntilAsync(() => Task.FromResult(recorder.Global.Calls.Count(c => c.Call == "DiscoverNew" && c.Address == "10.0.4.2") >= 2));
    }

    private async Task<(DiscoveryRecorder Recorder, ClusterMembership Membership)> StartControllerNodeAsync(string name, string address)
    {
        var recorder = new DiscoveryRecorder();
        var controller = await Controller.CreateAsync(new ControllerOptions(), [recorder]);
        _scratch.Add(controller);
        var store = await ConnectAsync();
        var membership = await ClusterMembership.StartAsync(store, controller, Options(name, address), null, CancellationToken.None);
        _scratch.Add(membership);
        return (recorder, membership);
    }

    private async Task<ClusterMembership> StartNodeAsync(string name, string address, TimeSpan? ttl = null)
    {
        var store = await ConnectAsync();
        var membership = await ClusterMembership.StartAsync(store, Options(name, address, ttl), (_, _, _) => Task.CompletedTask, null, CancellationToken.None);
        _scratch.Add(membership);
        return membership;
    }

    private Task<EtcdKeyValueStore> ConnectAsync() => _scratch.ConnectAsync();

    private static ClusterMembershipOptions Options(string name, string address, TimeSpan? ttl = null) => new()
    {
        NodeName = name,
        AdvertiseAddress = address,
        LeaseTtl = ttl ?? TimeSpan.FromSeconds(10),
        RetryDelay = TimeSpan.FromMilliseconds(100),
    };

    private static Task<long> LeaseOfAsync(EtcdKeyValueStore store, string node) => store.LeaseOfAsync(ClusterKeys.Node(node), CancellationToken.None);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Generous;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within the deadline");
            await Task.Delay(50);
        }
    }
}
