using Cnm.Core.Model;
using Cnm.Core.Store;
using Cnm.Core.Tests.Control;

namespace Cnm.Core.Tests.Cluster;

/// <summary>
/// A global network that another node created reaches this node's driver (spec/cluster.md, "Watches"), also when that
/// driver is a plugin not activated yet on this node, or not there at all when the network is adopted: it then gets its
/// CreateNetwork when it registers, or before the first endpoint on the network here, never a CreateEndpoint first.
/// </summary>
public sealed class ClusterDriverResolutionTests : IAsyncLifetime
{
    private readonly InMemoryKeyValueStore _cluster = new();
    private readonly CallLog _logB = new();
    private FakeNetworkDriver _driverB = null!;
    private LateGlobalModule _moduleB = null!;
    private ClusterNodeHarness _a = null!;
    private ClusterNodeHarness _b = null!;

    public async Task InitializeAsync()
    {
        _a = await ClusterNodeHarness.StartAsync("a", _cluster, extra: new LateGlobalModule(new FakeNetworkDriver(new CallLog())));
        _driverB = new FakeNetworkDriver(_logB);
        _moduleB = new LateGlobalModule(_driverB);
        _b = await ClusterNodeHarness.StartAsync("b", _cluster, extra: _moduleB);
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task NetworkFromA_DriverNotActivatedOnB_ActivatedAndSentCreateNetworkOnAdoption()
    {
        var network = await _a.NetworkAsync("r1", LateGlobalModule.DriverName, "10.40.0.0/24");

        await ClusterNodeHarness.WaitUntilAsync(() => _b.Controller.Networks.Any(n => n.Id == network.Id), "B lists r1");

        // Listed only after its driver here was told, so an endpoint create right away finds the network in the driver.
        Assert.Equal(["CreateNetwork"], _logB.Names);
        Assert.Equal(network.Id, Assert.Single(_driverB.Networks).NetworkId);
        await _b.Controller.CreateEndpointAsync(network.Id, new EndpointCreateOptions { Name = "rb1" }, CancellationToken.None);
        Assert.Equal(["CreateNetwork", "CreateEndpoint"], _logB.Names);
    }

    [Fact]
    public async Task NetworkFromA_DriverAbsentOnB_CreateNetworkSentBeforeTheFirstEndpoint()
    {
        _moduleB.Available = false;
        var network = await _a.NetworkAsync("r2", LateGlobalModule.DriverName, "10.41.0.0/24");
        await ClusterNodeHarness.WaitUntilAsync(() => _b.Controller.Networks.Any(n => n.Id == network.Id), "B lists r2");
        Assert.Empty(_logB.Names);

        // The plugin is there now, not activated yet: the endpoint create activates it, and it hears of the network first.
        _moduleB.Available = true;
        var first = await _b.Controller.CreateEndpointAsync(network.Id, new EndpointCreateOptions { Name = "rb2" }, CancellationToken.None);
        var second = await _b.Controller.CreateEndpointAsync(network.Id, new EndpointCreateOptions { Name = "rb3" }, CancellationToken.None);

        Assert.Equal(["CreateNetwork", "CreateEndpoint", "CreateEndpoint"], _logB.Names);
        Assert.Equal(network.Id, Assert.Single(_driverB.Networks).NetworkId);
        Assert.Equal([first.Id, second.Id], _driverB.Endpoints.Select(e => e.Request.EndpointId));
    }

    [Fact]
    public async Task NetworkFromA_DriverAbsentOnB_CreateNetworkSentWhenTheDriverRegisters()
    {
        _moduleB.Available = false;
        var network = await _a.NetworkAsync("r3", LateGlobalModule.DriverName, "10.42.0.0/24");
        await ClusterNodeHarness.WaitUntilAsync(() => _b.Controller.Networks.Any(n => n.Id == network.Id), "B lists r3");
        Assert.Empty(_logB.Names);

        _moduleB.Appear();

        await ClusterNodeHarness.WaitUntilAsync(() => _logB.Names.Contains("CreateNetwork"), "B's driver got CreateNetwork of r3");
        Assert.Equal(network.Id, Assert.Single(_driverB.Networks).NetworkId);

        // Owed once only: the endpoint create after it sends no second CreateNetwork.
        await _b.Controller.CreateEndpointAsync(network.Id, new EndpointCreateOptions { Name = "rb4" }, CancellationToken.None);
        Assert.Equal(["CreateNetwork", "CreateEndpoint"], _logB.Names);
    }

    [Fact]
    public async Task NetworkFromA_NeverCreatedInBsDriver_DeletedOnA_BsDriverGetsNoDeleteNetwork()
    {
        _moduleB.Available = false;
        var network = await _a.NetworkAsync("r4", LateGlobalModule.DriverName, "10.43.0.0/24");
        await ClusterNodeHarness.WaitUntilAsync(() => _b.Controller.Networks.Any(n => n.Id == network.Id), "B lists r4");

        await _a.Controller.DeleteNetworkAsync(network.Id, force: false, CancellationToken.None);
        await ClusterNodeHarness.WaitUntilAsync(() => _b.Controller.Networks.All(n => n.Id != network.Id), "B no longer lists r4");
        _moduleB.Appear();
        await Task.Delay(200); // the registration's owed sends run in the background: give one the chance to (wrongly) run

        Assert.Empty(_logB.Names);
    }
}
