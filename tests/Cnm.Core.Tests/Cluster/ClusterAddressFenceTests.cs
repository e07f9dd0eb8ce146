using Cnm.Core.Cluster;
using Cnm.Core.Errors;
using Cnm.Core.Model;
using Cnm.Core.Persistence;
using Cnm.Core.Store;
using Cnm.Protocol;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cnm.Core.Tests.Cluster;

/// <summary>
/// The sweep of a gone node's addresses and the fence of the owner's commit (spec/cluster.md, "Addresses of a dead node"):
/// an address swept while its owner is still creating the endpoint (the owner was cut off and seen gone) cannot be committed.
/// </summary>
public sealed class ClusterAddressFenceTests : IAsyncLifetime
{
    private readonly InMemoryKeyValueStore _cluster = new();
    private ClusterNodeHarness _a = null!;

    public async Task InitializeAsync() => _a = await ClusterNodeHarness.StartAsync("a", _cluster);

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _cluster.DisposeAsync();
    }

    private async Task<List<string>> AddressesAsync(Network network) =>
        [.. (await _cluster.ListAsync(ClusterIpam.AddressesOf(network.IPv4Pools[0].Pool), CancellationToken.None)).Entries.Select(e => e.Key[(e.Key.LastIndexOf('/') + 1)..])];

    [Fact]
    public async Task SweepDuringCreateEndpoint_CommitFailsAsConflict_AndNoAddressIsLeft()
    {
        var network = await _a.NetworkAsync("g-fence", subnet: "10.20.0.0/24");
        var sweeper = new ClusterAddressSweeper(_cluster, NullLogger.Instance);
        var released = -1;
        _a.Global.OnCreateEndpoint = async (_, _) => released = await sweeper.SweepAsync("a", self: true, CancellationToken.None);

        var ex = await Assert.ThrowsAsync<CnmException>(() =>
            _a.Controller.CreateEndpointAsync(network.Id, new EndpointCreateOptions { Name = "e-fenced" }, CancellationToken.None));

        Assert.Equal(ErrorCategory.Conflict, ex.Category);
        Assert.Contains("released by a sweep", ex.Message);
        Assert.Equal(1, released); // the endpoint's address; the gateway is held by the network record
        Assert.Equal(["10.20.0.1"], await AddressesAsync(network));
        Assert.Empty((await _cluster.ListAsync(StateKeys.Endpoints, CancellationToken.None)).Entries);
    }

    [Fact]
    public async Task Sweep_KeepsAddressesHeldByRecords_AndLeavesALiveNodeAlone()
    {
        var network = await _a.NetworkAsync("g-held", subnet: "10.21.0.0/24");
        await _a.Controller.CreateEndpointAsync(network.Id, new EndpointCreateOptions { Name = "e-held" }, CancellationToken.None);
        var sweeper = new ClusterAddressSweeper(_cluster, NullLogger.Instance);

        Assert.Equal(0, await sweeper.SweepAsync("a", self: true, CancellationToken.None));
        await _cluster.AtomicPutAsync(ClusterKeys.Node("a"), "{}"u8.ToArray(), StoreCondition.Any, CancellationToken.None);
        await _cluster.AtomicPutAsync(ClusterIpam.AddressesOf(network.IPv4Pools[0].Pool) + "10.21.0.9", "a"u8.ToArray(), StoreCondition.NotExists, CancellationToken.None);
        Assert.Equal(0, await sweeper.SweepAsync("a", self: false, CancellationToken.None)); // a member: not swept

        await _cluster.AtomicDeleteAsync(ClusterKeys.Node("a"), StoreCondition.Exists, CancellationToken.None);
        Assert.Equal(1, await sweeper.SweepAsync("a", self: false, CancellationToken.None));
        Assert.Equal(["10.21.0.1", "10.21.0.2"], (await AddressesAsync(network)).Order());
    }
}
