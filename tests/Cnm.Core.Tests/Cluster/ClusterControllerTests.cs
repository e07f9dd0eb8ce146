using Cnm.Core.Cluster;
using Cnm.Core.Drivers;
using Cnm.Core.Errors;
using Cnm.Core.Model;
using Cnm.Core.Persistence;
using Cnm.Core.Store;
using Cnm.Protocol;

namespace Cnm.Core.Tests.Cluster;

/// <summary>
/// Two controllers on one cluster store (spec/cluster.md): what is stored where, networks and endpoints seen across nodes
/// through the watch, names claimed cluster-wide, restart without re-seeding, and the refusal without a cluster store.
/// </summary>
public sealed class ClusterControllerTests : IAsyncLifetime
{
    private readonly InMemoryKeyValueStore _cluster = new();
    private ClusterNodeHarness _a = null!;
    private ClusterNodeHarness _b = null!;

    public async Task InitializeAsync()
    {
        _a = await ClusterNodeHarness.StartAsync("a", _cluster);
        _b = await ClusterNodeHarness.StartAsync("b", _cluster);
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        await _cluster.DisposeAsync();
    }

    private static async Task<List<string>> KeysAsync(InMemoryKeyValueStore store, string prefix) =>
        [.. (await store.ListAsync(prefix, CancellationToken.None)).Entries.Select(e => e.Key)];

    [Fact]
    public async Task GlobalNetworkAndEndpoint_InTheClusterStore_LocalOnesAndSandboxesInTheNodes()
    {
        var global = await _a.NetworkAsync("g1", subnet: "10.10.0.0/24");
        var local = await _a.NetworkAsync("l1", "lfake", "10.11.0.0/24");
        var endpoint = await _a.Controller.CreateEndpointAsync(global.Id, new EndpointCreateOptions { Name = "e1" }, CancellationToken.None);
        var sandbox = await _a.Controller.CreateSandboxAsync(new SandboxCreateOptions { ContainerId = "c1" }, CancellationToken.None);

        Assert.Equal(DriverScope.Global, global.Scope);
        Assert.Equal("GlobalDefault/10.10.0.0/24", global.IPv4Pools[0].PoolId);
        Assert.Equal([StateKeys.Network(global.Id)], await KeysAsync(_cluster, StateKeys.Networks));
        Assert.Equal([StateKeys.Endpoint(endpoint.Id)], await KeysAsync(_cluster, StateKeys.Endpoints));
        Assert.Equal([ClusterStateStore.NamesPrefix + "g1"], await KeysAsync(_cluster, ClusterStateStore.NamesPrefix));
        Assert.Equal([StateKeys.Network(local.Id)], await KeysAsync(_a.Local, StateKeys.Networks));
        Assert.Empty(await KeysAsync(_a.Local, StateKeys.Endpoints));
        Assert.Equal([StateKeys.Sandbox(sandbox.Id)], await KeysAsync(_a.Local, StateKeys.Sandboxes));
        Assert.Empty(await KeysAsync(_cluster, StateKeys.Sandboxes));
        Assert.Equal(2, (await KeysAsync(_cluster, ClusterIpam.AddressesOf(global.IPv4Pools[0].Pool))).Count); // gateway and e1
    }

    [Fact]
    public async Task NetworkAndEndpoint_CreatedOnA_SeenOnB_ThenDeletedOnA_GoneFromB()
    {
        var network = await _a.NetworkAsync("g2", subnet: "10.12.0.0/24");
        var endpoint = await _a.Controller.CreateEndpointAsync(network.Id, new EndpointCreateOptions { Name = "e2" }, CancellationToken.None);

        await ClusterNodeHarness.WaitUntilAsync(() => _b.Controller.Endpoints.Any(e => e.Id == endpoint.Id), "B lists e2");
        Assert.Equal(network.Id, _b.Controller.GetNetwork("g2").Id);
        Assert.Contains(_b.Global.Networks, n => n.NetworkId == network.Id);

        // B allocates from the same pool in the cluster: the next address, not A's.
        var onB = await _b.Controller.CreateEndpointAsync(network.Id, new EndpointCreateOptions { Name = "e3" }, CancellationToken.None);
        Assert.Equal("10.12.0.2/24", endpoint.Address.ToString());
        Assert.Equal("10.12.0.3/24", onB.Address.ToString());
        await ClusterNodeHarness.WaitUntilAsync(() => _a.Controller.Endpoints.Any(e => e.Id == onB.Id), "A lists e3");

        var busy = await Assert.ThrowsAsync<CnmException>(() => _a.Controller.DeleteNetworkAsync("g2", force: false, CancellationToken.None));
        Assert.Equal(ErrorCategory.Forbidden, busy.Category);
        await _b.Controller.DeleteEndpointAsync(onB.Id, force: false, CancellationToken.None);
        await _a.Controller.DeleteEndpointAsync(endpoint.Id, force: false, CancellationToken.None);
        await ClusterNodeHarness.WaitUntilAsync(() => _a.Controller.Endpoints.All(e => e.Id != onB.Id), "A no longer lists e3");
        await _a.Controller.DeleteNetworkAsync("g2", force: false, CancellationToken.None);

        await ClusterNodeHarness.WaitUntilAsync(() => _b.Controller.Networks.All(n => n.Id != network.Id), "B no longer lists g2");
        foreach (var prefix in new[] { StateKeys.Networks, StateKeys.Endpoints, ClusterStateStore.NamesPrefix, ClusterIpam.AddressesPrefix })
        {
            Assert.Empty(await KeysAsync(_cluster, prefix));
        }
    }

    [Fact]
    public async Task NetworkCreate_NameTakenOnTheOtherNode_ConflictAndNothingLeft()
    {
        await _a.NetworkAsync("g3", subnet: "10.13.0.0/24");

        var error = await Assert.ThrowsAsync<CnmException>(() => _b.NetworkAsync("g3", subnet: "10.14.0.0/24"));

        Assert.Equal(ErrorCategory.Conflict, error.Category);
        Assert.Contains("g3", error.Message);
        Assert.Empty(await KeysAsync(_cluster, ClusterIpam.AddressesOf(Cnm.Core.Net.IpPrefix.Parse("10.14.0.0/24"))));
        Assert.DoesNotContain("10.14.0.0/24", System.Text.Encoding.UTF8.GetString((await _cluster.GetAsync(ClusterIpam.PoolsKey, CancellationToken.None))!.Value.Span));
    }

    [Fact]
    public async Task Restart_GlobalNetworkRestoredFromTheCluster_WithoutReRequestingItsPool()
    {
        var network = await _a.NetworkAsync("g4", subnet: "10.15.0.0/24");
        var endpoint = await _a.Controller.CreateEndpointAsync(network.Id, new EndpointCreateOptions { Name = "e4" }, CancellationToken.None);
        await _a.DisposeAsync();

        _a = await ClusterNodeHarness.StartAsync("a", _cluster, _a.Local);

        Assert.Equal(network.Id, _a.Controller.GetNetwork("g4").Id);
        Assert.Contains(_a.Controller.Endpoints, e => e.Id == endpoint.Id && e.Address == endpoint.Address);
        var next = await _a.Controller.CreateEndpointAsync(network.Id, new EndpointCreateOptions { Name = "e5" }, CancellationToken.None);
        Assert.Equal("10.15.0.3/24", next.Address.ToString());
    }
}
