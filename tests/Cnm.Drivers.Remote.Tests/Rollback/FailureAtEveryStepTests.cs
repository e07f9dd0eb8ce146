using Cnm.Core.Model;
using Cnm.Protocol;

namespace Cnm.Drivers.Remote.Tests.Rollback;

/// <summary>
/// Failure at every step, from the plugin as network driver and as IPAM driver: whatever call fails,
/// nothing is leaked (docs/decisions.md, "endpoint and join rollback").
/// </summary>
public sealed class FailureAtEveryStepTests
{
    private static NetworkCreateOptions DualStackWithAux(NetworkCreateOptions o) => o with
    {
        EnableIPv6 = true,
        IPv4 = [new IpamConfig("10.10.0.0/16", "10.10.1.0/24", "10.10.1.254",
            new Dictionary<string, string> { ["router"] = "10.10.0.5", ["printer"] = "10.10.0.6" })],
        IPv6 = [new IpamConfig("fd00:1::/64", AuxAddresses: new Dictionary<string, string> { ["v6aux"] = "fd00:1::5" })],
    };

    [Theory]
    [InlineData(200)]
    [InlineData(500)]
    public async Task CreateNetwork_PluginIpamFailsAtEachStep_LeavesNothingBehind(int failureStatus)
    {
        await using var h = await RemoteHarness.CreateAsync(p => p.FailureStatus = failureStatus);
        await h.PluginIpamNetworkAsync("warm-up"); // activation is not part of the sweep
        h.Plugin.ClearCalls();

        var steps = await FailureSweep.RunAsync(h, () => h.PluginIpamNetworkAsync("n1", DualStackWithAux));

        // RequestPool, gateway, 2 aux, RequestPool v6, gateway v6, aux v6, CreateNetwork.
        Assert.Equal(8, steps);
        Assert.Equal(2, h.Controller.Networks.Count);
    }

    [Fact]
    public async Task CreateNetwork_PluginFailsWithDefaultIpam_ReleasesTheDefaultPools()
    {
        await using var h = await RemoteHarness.CreateAsync();
        await h.NetworkAsync("warm-up");

        var steps = await FailureSweep.RunAsync(h, () => h.NetworkAsync("n1", o => o with
        {
            EnableIPv6 = true,
            IPv4 = [new IpamConfig("10.10.0.0/16", "10.10.1.0/24", "10.10.1.254", new Dictionary<string, string> { ["router"] = "10.10.0.5" })],
            IPv6 = [new IpamConfig("fd00:1::/64")],
        }));

        Assert.Equal(1, steps); // only CreateNetwork reaches the plugin
    }

    [Fact]
    public async Task CreateEndpoint_PluginIpamFailsAtEachStep_LeavesNothingBehind()
    {
        await using var h = await RemoteHarness.CreateAsync();
        var network = await h.PluginIpamNetworkAsync("n1", DualStackWithAux);
        await h.EndpointAsync(network, "other");

        var steps = await FailureSweep.RunAsync(h, () => h.EndpointAsync(network, "e1", mac: "02:42:0a:0a:00:09"));

        Assert.Equal(3, steps); // RequestAddress, RequestAddress v6, CreateEndpoint
        Assert.Equal(2, h.Controller.Endpoints.Count);
    }

    [Fact]
    public async Task CreateEndpoint_StaticAddressPluginIpamFailsAtEachStep_LeavesNothingBehind()
    {
        await using var h = await RemoteHarness.CreateAsync();
        var network = await h.PluginIpamNetworkAsync("n1", DualStackWithAux);

        var steps = await FailureSweep.RunAsync(h, () => h.EndpointAsync(network, "e1", ip: "10.10.2.7", ipv6: "fd00:1::77"));

        Assert.Equal(3, steps);
        Assert.Equal(["10.10.0.5", "10.10.0.6", "10.10.1.254", "10.10.2.7", "fd00:1::1", "fd00:1::5", "fd00:1::77"], h.Plugin.Addresses);
    }

    [Fact]
    public async Task CreateEndpoint_PluginFailsWithDefaultIpam_ReleasesTheDefaultAddress()
    {
        await using var h = await RemoteHarness.CreateAsync();
        var network = await h.NetworkAsync("n1");

        var steps = await FailureSweep.RunAsync(h, () => h.EndpointAsync(network, "e1", ip: "172.17.0.9"));

        Assert.Equal(1, steps);
    }

    [Fact]
    public async Task Join_GatewayEndpointFailsAtEachStep_LeavesNothingBehind()
    {
        await using var h = await RemoteHarness.CreateAsync();
        var network = await h.PluginIpamNetworkAsync("n1", DualStackWithAux);
        var endpoint = await h.EndpointAsync(network, "e1");
        var sandbox = await h.SandboxAsync("c1");
        h.Plugin.ClearCalls();

        var steps = await FailureSweep.RunAsync(h, () => h.Controller.JoinAsync(endpoint.Id, sandbox.Id, CancellationToken.None));

        Assert.Equal(2, steps); // Join, ProgramExternalConnectivity
        // Failing Program rolled back with Leave; the successful run is Join + Program.
        Assert.Equal(
        [
            PluginMethods.Network.Join,
            PluginMethods.Network.Join, PluginMethods.Network.ProgramExternalConnectivity, PluginMethods.Network.Leave,
            PluginMethods.Network.Join, PluginMethods.Network.ProgramExternalConnectivity,
        ], h.Plugin.Methods);
        Assert.Equal([endpoint.Id], h.Plugin.ProgrammedEndpoints);
        Assert.Equal([endpoint.Id], h.SandboxProvider.InterfacesOf(sandbox.Key));
    }

    [Fact]
    public async Task Join_SecondEndpointFailsAtEachStep_LeavesTheFirstJoined()
    {
        await using var h = await RemoteHarness.CreateAsync();
        var network = await h.PluginIpamNetworkAsync("n1");
        var first = await h.EndpointAsync(network, "e1");
        var second = await h.EndpointAsync(network, "e2");
        var sandbox = await h.SandboxAsync("c1");
        await h.Controller.JoinAsync(first.Id, sandbox.Id, CancellationToken.None);

        var steps = await FailureSweep.RunAsync(h, () => h.Controller.JoinAsync(second.Id, sandbox.Id, CancellationToken.None));

        Assert.Equal(1, steps);
        Assert.Equal([first.Id, second.Id], h.Controller.GetSandbox(sandbox.Id).EndpointIds);
    }

    [Fact]
    public async Task FullLifecycle_AfterSweeps_PluginAndControllerEndEmptyTogether()
    {
        await using var h = await RemoteHarness.CreateAsync();
        await h.Registry.GetAsync(RemoteHarness.PluginName, CancellationToken.None);
        await FailureSweep.RunAsync(h, () => h.PluginIpamNetworkAsync("n1", DualStackWithAux));
        var network = h.Controller.GetNetwork("n1");
        await FailureSweep.RunAsync(h, () => h.EndpointAsync(network, "e1"));
        var endpoint = h.Controller.GetEndpoint(network.Id, "e1");
        var sandbox = await h.SandboxAsync("c1");
        await FailureSweep.RunAsync(h, () => h.Controller.JoinAsync(endpoint.Id, sandbox.Id, CancellationToken.None));

        await h.Controller.DeleteSandboxAsync(sandbox.Id, CancellationToken.None); // deletes the joined endpoint too
        await h.Controller.DeleteNetworkAsync(network.Id, force: false, CancellationToken.None);

        Assert.Equal("", h.Snapshot());
        Assert.Equal("", h.Plugin.Snapshot());
    }
}
