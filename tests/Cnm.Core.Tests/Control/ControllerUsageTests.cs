using Cnm.Core.Drivers;
using Cnm.Core.Model;

namespace Cnm.Core.Tests.Control;

/// <summary>What the daemon's plugin and IPAM listings read from the controller: driver scope and IPAM usage.</summary>
public sealed class ControllerUsageTests
{
    [Fact]
    public async Task GetNetworkDriverCapability_RegisteredOrNot_ScopeOrNull()
    {
        var harness = await ControllerHarness.CreateAsync();

        Assert.Equal(new DriverCapability(DriverScope.Local, DriverScope.Local), harness.Controller.GetNetworkDriverCapability("fake"));
        Assert.Equal(DriverScope.Local, harness.Controller.GetNetworkDriverCapability("null")?.Scope);
        Assert.Null(harness.Controller.GetNetworkDriverCapability("nosuch"));
    }

    [Fact]
    public async Task GetIpamUsage_DefaultIpam_ShowsTheNetworksPoolAndItsAddresses()
    {
        var harness = await ControllerHarness.CreateAsync();
        Assert.Null(harness.Controller.GetIpamUsage("rec")); // a decorator that cannot tell
        Assert.Null(harness.Controller.GetIpamUsage("nosuch"));
        Assert.DoesNotContain(harness.Controller.GetIpamUsage("default")!, p => p.Pool.ToString() == "10.150.0.0/24");

        var network = await harness.NetworkAsync("usage", o => o with { IpamDriver = "default", IPv4 = [new IpamConfig("10.150.0.0/24")] });
        var pool = Assert.Single(network.IPv4Pools);
        var before = Assert.Single(harness.Controller.GetIpamUsage("default")!, p => p.PoolId == pool.PoolId);
        Assert.Equal(254UL, before.Total);
        await harness.EndpointAsync(network, "ep1");

        var after = Assert.Single(harness.Controller.GetIpamUsage("default")!, p => p.PoolId == pool.PoolId);
        Assert.Equal(before.Used + 1, after.Used);
        Assert.Equal(after.Total - after.Used, after.Free);
    }
}
