using Cnm.Core.Control;
using Cnm.Protocol.Network;

namespace Cnm.Store.Tests.Cluster;

/// <summary>The controller's node-discovery seam without a store: who gets the calls, and what a failing driver costs.</summary>
public sealed class NodeDiscoveryTests
{
    [Fact]
    public async Task NotifyNodeDiscovery_OneGlobalDriverFails_OthersStillGetItAndNoErrorEscapes()
    {
        var recorder = new DiscoveryRecorder();
        await using var controller = await Controller.CreateAsync(new ControllerOptions(), [recorder]);

        await controller.NotifyNodeDiscoveryAsync("node-b", new NodeDiscoveryData("10.1.0.2"), joined: true, CancellationToken.None);
        await controller.NotifyNodeDiscoveryAsync("node-b", new NodeDiscoveryData("10.1.0.2"), joined: false, CancellationToken.None);

        Assert.Equal(["DiscoverNew", "DiscoverDelete"], recorder.Global.Calls.Select(c => c.Call));
        Assert.Equal(["DiscoverNew", "DiscoverDelete"], recorder.Failing.Calls.Select(c => c.Call));
        Assert.All(recorder.Global.Calls, c => Assert.Equal((1, "10.1.0.2", false), (c.Type, c.Address, c.Self)));
        Assert.Empty(recorder.Local.Calls);
    }

    [Fact]
    public async Task NotifyNodeDiscovery_NodeLeftBeforeALateDriverRegistered_LateDriverHearsNothingOfIt()
    {
        var recorder = new DiscoveryRecorder();
        await using var controller = await Controller.CreateAsync(new ControllerOptions(), [recorder]);
        await controller.NotifyNodeDiscoveryAsync("node-a", new NodeDiscoveryData("10.1.0.1", "", true), joined: true, CancellationToken.None);
        await controller.NotifyNodeDiscoveryAsync("node-b", new NodeDiscoveryData("10.1.0.2"), joined: true, CancellationToken.None);
        await controller.NotifyNodeDiscoveryAsync("node-b", new NodeDiscoveryData("10.1.0.2"), joined: false, CancellationToken.None);

        recorder.RegisterLate();

        Assert.True((await recorder.Late.WaitForAsync("DiscoverNew", "10.1.0.1", TimeSpan.FromSeconds(30))).Self);
        Assert.DoesNotContain(recorder.Late.Calls, c => c.Address == "10.1.0.2");
    }
}
