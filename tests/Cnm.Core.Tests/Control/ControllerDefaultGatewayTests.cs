using System.Net;
using Cnm.Core.Control;
using Cnm.Core.Drivers.BuiltIn;
using Cnm.Core.Errors;
using Cnm.Core.Ipam;
using Cnm.Core.Model;
using Cnm.Core.Sandboxes;
using Cnm.Core.Store;

namespace Cnm.Core.Tests.Control;

/// <summary>
/// The default gateway network (spec/bridge.md, "Default gateway network") at the controller: a plugin ("fake") whose
/// Join gives no gateway, and a module offering the gateway network over its own driver ("gwfake"). The call log holds
/// both drivers' calls in order, so the plugin's sequence and the gateway endpoint's steps are checked together.
/// </summary>
public sealed class ControllerDefaultGatewayTests
{
    [Fact]
    public async Task JoinAsync_JoinGivesNoGateway_GatewayEndpointJoinedAndPluginGetsNoProgram()
    {
        var h = await Harness.CreateAsync();
        var (endpoint, sandbox) = await h.JoinedAsync("e1", "c1");

        var gw = Assert.Single(h.Controller.Networks, n => n.Name == GatewayModule.Network);
        Assert.Equal(GatewayModule.Driver, gw.Driver);
        Assert.Equal("false", gw.Options.DriverOptions["com.docker.network.bridge.enable_icc"]);
        Assert.NotEmpty(gw.IPv4Pools);
        var gwEndpoint = Assert.Single(h.Controller.Endpoints, e => e.NetworkId == gw.Id);
        Assert.Equal("gateway_c1", gwEndpoint.Name);
        sandbox = h.Controller.GetSandbox(sandbox.Id);
        Assert.Equal([endpoint.Id, gwEndpoint.Id], sandbox.EndpointIds);
        Assert.Equal(gwEndpoint.Id, sandbox.GatewayEndpointId);
        Assert.Equal(
            ["Join " + endpoint.Id[..8], "CreateNetwork " + gw.Id[..8], "CreateEndpoint " + gwEndpoint.Id[..8], "Join " + gwEndpoint.Id[..8],
             "ProgramExternalConnectivity " + gwEndpoint.Id[..8]],
            h.Log.Calls);
        Assert.Equal(2, h.Sandboxes.InterfacesOf(sandbox.Key).Count);
    }

    [Fact]
    public async Task LeaveAsync_LastEndpointNeedingIt_GatewayEndpointRemovedNetworkKept()
    {
        var h = await Harness.CreateAsync();
        var (endpoint, sandbox) = await h.JoinedAsync("e1", "c1");
        var gwEndpoint = Assert.Single(h.Controller.Endpoints, e => e.Name == "gateway_c1");
        h.Log.Clear();

        await h.Controller.LeaveAsync(endpoint.Id, CancellationToken.None);

        Assert.Equal(
            ["Leave " + endpoint.Id[..8], "RevokeExternalConnectivity " + gwEndpoint.Id[..8], "Leave " + gwEndpoint.Id[..8], "DeleteEndpoint " + gwEndpoint.Id[..8]],
            h.Log.Calls);
        Assert.DoesNotContain(h.Controller.Endpoints, e => e.Id == gwEndpoint.Id);
        Assert.Single(h.Controller.Networks, n => n.Name == GatewayModule.Network);
        Assert.Empty(h.Controller.GetSandbox(sandbox.Id).EndpointIds);
        Assert.Null(h.Controller.GetSandbox(sandbox.Id).GatewayEndpointId);
        Assert.Empty(h.Sandboxes.InterfacesOf(sandbox.Key));

        // A second sandbox reuses the kept network: no second CreateNetwork.
        h.Log.Clear();
        await h.JoinedAsync("e2", "c2");
        Assert.DoesNotContain(h.Log.Names, n => n == "CreateNetwork");
        Assert.Single(h.Controller.Networks, n => n.Name == GatewayModule.Network);
    }

    [Fact]
    public async Task JoinAsync_DisableGatewayService_NoGatewayEndpointNoProgram()
    {
        var h = await Harness.CreateAsync();
        h.Plugin.OnJoin = info =>
        {
            info.SetInterfaceName("veth0", "eth");
            info.DisableGatewayService();
        };

        var (endpoint, sandbox) = await h.JoinedAsync("e1", "c1");

        Assert.Equal(["Join " + endpoint.Id[..8]], h.Log.Calls);
        Assert.DoesNotContain(h.Controller.Networks, n => n.Name == GatewayModule.Network);
        Assert.Null(h.Controller.GetSandbox(sandbox.Id).GatewayEndpointId);
    }

    [Fact]
    public async Task JoinAsync_JoinGivesGateway_NoGatewayEndpointAndPluginProgrammed()
    {
        var h = await Harness.CreateAsync();
        h.Plugin.OnJoin = info =>
        {
            info.SetInterfaceName("veth0", "eth");
            info.SetGateway(IPAddress.Parse("10.0.0.1"));
        };

        var (endpoint, sandbox) = await h.JoinedAsync("e1", "c1");

        Assert.Equal(["Join " + endpoint.Id[..8], "ProgramExternalConnectivity " + endpoint.Id[..8]], h.Log.Calls);
        Assert.DoesNotContain(h.Controller.Networks, n => n.Name == GatewayModule.Network);
        Assert.Equal(endpoint.Id, h.Controller.GetSandbox(sandbox.Id).GatewayEndpointId);
    }

    [Fact]
    public async Task JoinAsync_DefaultNextHopRoute_CountsAsGateway_NoGatewayEndpoint()
    {
        var h = await Harness.CreateAsync();
        h.Plugin.OnJoin = info =>
        {
            info.SetInterfaceName("veth0", "eth");
            info.AddStaticRoute(Cnm.Core.Net.IpPrefix.Parse("0.0.0.0/0"), Cnm.Core.Drivers.RouteType.NextHop, IPAddress.Parse("10.0.0.9"));
        };

        var (endpoint, _) = await h.JoinedAsync("e1", "c1");

        Assert.Equal(["Join " + endpoint.Id[..8]], h.Log.Calls); // no gateway endpoint, and no Program: its Join gave no gateway
        Assert.DoesNotContain(h.Controller.Networks, n => n.Name == GatewayModule.Network);
    }

    [Fact]
    public async Task ConnectAsync_EndpointWithGatewayJoinsLater_TakesOverAndGatewayEndpointRemoved()
    {
        var h = await Harness.CreateAsync();
        var (first, sandbox) = await h.JoinedAsync("e1", "c1");
        var gwEndpoint = Assert.Single(h.Controller.Endpoints, e => e.Name == "gateway_c1");
        var withGateway = await h.Controller.CreateNetworkAsync(new NetworkCreateOptions { Name = "n2", Driver = "fake" }, CancellationToken.None);
        h.Plugin.OnJoin = info =>
        {
            info.SetInterfaceName("veth1", "eth");
            info.SetGateway(IPAddress.Parse("10.0.0.1"));
        };
        h.Log.Clear();

        var second = await h.Controller.ConnectAsync(withGateway.Id, sandbox.Id, new EndpointCreateOptions { Name = "e2" }, CancellationToken.None);

        Assert.Equal(
            ["CreateEndpoint " + second.Id[..8], "Join " + second.Id[..8], "RevokeExternalConnectivity " + gwEndpoint.Id[..8],
             "ProgramExternalConnectivity " + second.Id[..8], "Leave " + gwEndpoint.Id[..8], "DeleteEndpoint " + gwEndpoint.Id[..8]],
            h.Log.Calls);
        var after = h.Controller.GetSandbox(sandbox.Id);
        Assert.Equal([first.Id, second.Id], after.EndpointIds);
        Assert.Equal(second.Id, after.GatewayEndpointId);
    }

    [Fact]
    public async Task JoinAsync_GatewayEndpointFails_JoinUndoneWithLeaveAndErrorReturned()
    {
        var h = await Harness.CreateAsync();
        var network = await h.Controller.CreateNetworkAsync(new NetworkCreateOptions { Name = "n1", Driver = "fake" }, CancellationToken.None);
        var endpoint = await h.Controller.CreateEndpointAsync(network.Id, new EndpointCreateOptions { Name = "e1" }, CancellationToken.None);
        var sandbox = await h.Controller.CreateSandboxAsync(new SandboxCreateOptions { ContainerId = "c1" }, CancellationToken.None);
        h.Gateway.OnJoin = _ => throw new CnmException(Protocol.ErrorCategory.Internal, "no bridge today");
        h.Log.Clear();

        var ex = await Assert.ThrowsAsync<CnmException>(() => h.Controller.JoinAsync(endpoint.Id, sandbox.Id, CancellationToken.None));

        Assert.Contains("no bridge today", ex.Message, StringComparison.Ordinal);
        Assert.Equal("Join " + endpoint.Id[..8], h.Log.Calls[0]);
        Assert.Equal("Leave " + endpoint.Id[..8], h.Log.Calls[^1]);
        Assert.DoesNotContain(h.Log.Names, n => n == "ProgramExternalConnectivity");
        Assert.Null(h.Controller.GetEndpoint(endpoint.Id).SandboxId);
        var after = h.Controller.GetSandbox(sandbox.Id);
        Assert.Empty(after.EndpointIds);
        Assert.Empty(h.Sandboxes.InterfacesOf(after.Key));
        var gw = Assert.Single(h.Controller.Networks, n => n.Name == GatewayModule.Network);
        Assert.DoesNotContain(h.Controller.Endpoints, e => e.NetworkId == gw.Id);
    }

    [Fact]
    public async Task DisconnectAsync_PluginEndpoint_GatewayEndpointGoesToo()
    {
        var h = await Harness.CreateAsync();
        var network = await h.Controller.CreateNetworkAsync(new NetworkCreateOptions { Name = "n1", Driver = "fake" }, CancellationToken.None);
        var sandbox = await h.Controller.CreateSandboxAsync(new SandboxCreateOptions { ContainerId = "c1" }, CancellationToken.None);
        var endpoint = await h.Controller.ConnectAsync(network.Id, sandbox.Id, new EndpointCreateOptions { Name = "e1" }, CancellationToken.None);
        Assert.Single(h.Controller.Endpoints, e => e.Name == "gateway_c1");

        await h.Controller.DisconnectAsync(network.Id, sandbox.Id, force: false, CancellationToken.None);

        Assert.Empty(h.Controller.Endpoints);
        Assert.Empty(h.Controller.GetSandbox(sandbox.Id).EndpointIds);
        Assert.DoesNotContain(h.Log.Calls, c => c == "ProgramExternalConnectivity " + endpoint.Id[..8] || c == "RevokeExternalConnectivity " + endpoint.Id[..8]);
    }

    [Fact]
    public async Task GetEndpointInfoAsync_SandboxHasGatewayEndpoint_AnswersItsInfoWithoutAskingThePlugin()
    {
        var h = await Harness.CreateAsync();
        var (endpoint, _) = await h.JoinedAsync("e1", "c1");
        var gwEndpoint = Assert.Single(h.Controller.Endpoints, e => e.Name == "gateway_c1");
        h.Log.Clear();

        await h.Controller.GetEndpointInfoAsync(endpoint.Id, CancellationToken.None);

        Assert.Equal(["EndpointOperInfo " + gwEndpoint.Id[..8]], h.Log.Calls);
        await h.Controller.LeaveAsync(endpoint.Id, CancellationToken.None);
        h.Log.Clear();
        await h.Controller.GetEndpointInfoAsync(endpoint.Id, CancellationToken.None);
        Assert.Equal(["EndpointOperInfo " + endpoint.Id[..8]], h.Log.Calls);
    }

    [Fact]
    public async Task JoinAsync_NoGatewayProvider_NoProgramForJoinWithoutGateway()
    {
        var h = await ControllerHarness.CreateAsync();
        h.Driver.OnJoin = info => info.SetInterfaceName("veth0", "eth");
        var network = await h.NetworkAsync("n1");
        var endpoint = await h.EndpointAsync(network, "e1");
        var sandbox = await h.SandboxAsync("c1");
        h.Log.Clear();

        await h.Controller.JoinAsync(endpoint.Id, sandbox.Id, CancellationToken.None);
        await h.Controller.LeaveAsync(endpoint.Id, CancellationToken.None);

        Assert.Equal(["Join " + endpoint.Id[..8], "Leave " + endpoint.Id[..8]], h.Log.Calls);
        Assert.Single(h.Controller.Networks);
    }

    [Fact]
    public async Task RestoreDefaultGatewaysAsync_JoinedWithoutGatewayEndpoint_GetsIt()
    {
        // A crash between a join's commit and its gateway step: the state has the join but no gateway endpoint.
        var store = new InMemoryKeyValueStore();
        var sandboxes = new InMemorySandboxProvider("/run/test/netns");
        var log = new CallLog();
        var plugin = new FakeNetworkDriver(log) { OnJoin = info => info.SetInterfaceName("veth0", "eth") };
        var gateway = new FakeNetworkDriver(log);
        var before = await Controller.CreateAsync(new ControllerOptions { Store = store, Sandboxes = sandboxes },
            [new BuiltInDriverModule(), new FakeModule("fake", plugin, "rec", BuiltInIpams.CreateDefault())]);
        var network = await before.CreateNetworkAsync(new NetworkCreateOptions { Name = "n1", Driver = "fake" }, CancellationToken.None);
        var sandbox = await before.CreateSandboxAsync(new SandboxCreateOptions { ContainerId = "c1" }, CancellationToken.None);
        var endpoint = await before.ConnectAsync(network.Id, sandbox.Id, new EndpointCreateOptions { Name = "e1" }, CancellationToken.None);

        var after = await Controller.CreateAsync(new ControllerOptions { Store = store, Sandboxes = sandboxes },
            [new BuiltInDriverModule(), new FakeModule("fake", plugin, "rec", BuiltInIpams.CreateDefault()), new GatewayModule(gateway)]);
        await after.RestoreDefaultGatewaysAsync(CancellationToken.None);

        var gwEndpoint = Assert.Single(after.Endpoints, e => e.Name == "gateway_c1");
        Assert.Equal([endpoint.Id, gwEndpoint.Id], after.GetSandbox(sandbox.Id).EndpointIds);
        Assert.Equal(gwEndpoint.Id, after.GetSandbox(sandbox.Id).GatewayEndpointId);

        // A second pass changes nothing: the sandbox has the one it needs.
        log.Clear();
        await after.RestoreDefaultGatewaysAsync(CancellationToken.None);
        Assert.Single(after.Endpoints, e => e.Name == "gateway_c1");
        Assert.Empty(log.Calls);
    }

    /// <summary>A controller with the plugin "fake" (Join: an interface, no gateway) and the gateway module over "gwfake".</summary>
    private sealed record Harness(Controller Controller, CallLog Log, FakeNetworkDriver Plugin, FakeNetworkDriver Gateway, InMemorySandboxProvider Sandboxes)
    {
        public static async Task<Harness> CreateAsync()
        {
            var log = new CallLog();
            var plugin = new FakeNetworkDriver(log) { OnJoin = info => info.SetInterfaceName("veth0", "eth") };
            var gateway = new FakeNetworkDriver(log)
            {
                OnJoin = info =>
                {
                    info.SetInterfaceName("gw0", "eth");
                    info.SetGateway(IPAddress.Parse("172.30.0.1"));
                },
            };
            var sandboxes = new InMemorySandboxProvider("/run/test/netns");
            var controller = await Controller.CreateAsync(new ControllerOptions { Sandboxes = sandboxes },
                [new BuiltInDriverModule(), new FakeModule("fake", plugin, "rec", BuiltInIpams.CreateDefault()), new GatewayModule(gateway)]);
            return new Harness(controller, log, plugin, gateway, sandboxes);
        }

        /// <summary>A network "n-&lt;endpoint&gt;" of the plugin, an endpoint on it and a sandbox, joined; the log is cleared before the join.</summary>
        public async Task<(Endpoint Endpoint, Sandbox Sandbox)> JoinedAsync(string endpointName, string container)
        {
            var network = await Controller.CreateNetworkAsync(new NetworkCreateOptions { Name = "n-" + endpointName, Driver = "fake" }, CancellationToken.None);
            var endpoint = await Controller.CreateEndpointAsync(network.Id, new EndpointCreateOptions { Name = endpointName }, CancellationToken.None);
            var sandbox = await Controller.CreateSandboxAsync(new SandboxCreateOptions { ContainerId = container }, CancellationToken.None);
            Log.Clear();
            await Controller.JoinAsync(endpoint.Id, sandbox.Id, CancellationToken.None);
            return (endpoint, sandbox);
        }
    }
}
