using System.Net;
using System.Net.Sockets;
using Cnm.Core.Control;
using Cnm.Core.Model;
using Cnm.Core.Net;
using Cnm.Linux.Sandboxes;

namespace Cnm.Linux.Tests.Sandboxes;

/// <summary>
/// The real controller (as it calls the provider today, through the overloads without the gateway flag) with
/// <see cref="LinuxSandboxProvider"/> and a driver that makes veths: the whole join and leave reach the kernel.
/// </summary>
public sealed class ControllerIntegrationTests
{
    [Fact]
    public async Task JoinLeaveDelete_ThroughController_InterfaceInSandboxThenBackThenGone()
    {
        await using var f = await SandboxFixture.StartAsync();
        var driver = new VethDriver(f.Host);
        await using var controller = await Controller.CreateAsync(new ControllerOptions { Sandboxes = f.Provider }, [new Cnm.Core.Drivers.BuiltIn.BuiltInDriverModule(), driver]);
        var network = await controller.CreateNetworkAsync(new NetworkCreateOptions
        {
            Name = "n1", Driver = "vethdrv", IPv4 = [new IpamConfig("172.30.0.0/24", Gateway: "172.30.0.1")],
        }, CancellationToken.None);
        var sandbox = await controller.CreateSandboxAsync(new SandboxCreateOptions { ContainerId = "c1", Hostname = "web" }, CancellationToken.None);
        var endpoint = await controller.CreateEndpointAsync(network.Id, new EndpointCreateOptions { Name = "e1" }, CancellationToken.None);

        var joined = await controller.JoinAsync(endpoint.Id, sandbox.Id, CancellationToken.None);

        Assert.True(File.Exists(sandbox.Key));
        var sb = await f.SandboxClientAsync(sandbox.Key);
        var eth0 = sb.GetLink("eth0");
        Assert.Contains(sb.GetAddresses(AddressFamily.InterNetwork, eth0.Index), a => a.Prefix == joined.Address);
        var routes = sb.GetRoutes(AddressFamily.InterNetwork);
        Assert.Contains(routes, r => r.IsDefault && r.Gateway!.Equals(IPAddress.Parse("172.30.0.1")) && r.OutputInterfaceIndex == eth0.Index);
        Assert.Contains(routes, r => r.Destination == IpPrefix.Parse("10.30.0.0/16") && r.Gateway!.Equals(IPAddress.Parse("172.30.0.9")));
        Assert.Contains(routes, r => r.Destination == IpPrefix.Parse("10.130.0.0/16") && r.OutputInterfaceIndex == eth0.Index);
        var srcName = "c" + endpoint.Id[..8];
        Assert.Null(f.Host.FindLink(srcName));

        await controller.LeaveAsync(endpoint.Id, CancellationToken.None);
        Assert.NotNull(f.Host.FindLink(srcName));
        Assert.Null(sb.FindLink("eth0"));

        await controller.DeleteEndpointAsync(endpoint.Id, force: false, CancellationToken.None);
        Assert.Null(f.Host.FindLink(srcName));
        await controller.DeleteSandboxAsync(sandbox.Id, CancellationToken.None);
        Assert.False(File.Exists(sandbox.Key));
        await controller.DeleteNetworkAsync(network.Id, force: false, CancellationToken.None);
    }

    [Fact]
    public async Task SecondNetwork_GatewayEndpointLeaves_Eth1TakesDefaultRoute()
    {
        await using var f = await SandboxFixture.StartAsync();
        await using var controller = await Controller.CreateAsync(new ControllerOptions { Sandboxes = f.Provider }, [new Cnm.Core.Drivers.BuiltIn.BuiltInDriverModule(), new VethDriver(f.Host)]);
        var n1 = await controller.CreateNetworkAsync(new NetworkCreateOptions { Name = "n1", Driver = "vethdrv", IPv4 = [new IpamConfig("172.30.0.0/24")] }, CancellationToken.None);
        var n2 = await controller.CreateNetworkAsync(new NetworkCreateOptions { Name = "n2", Driver = "vethdrv", IPv4 = [new IpamConfig("172.31.0.0/24")] }, CancellationToken.None);
        var sandbox = await controller.CreateSandboxAsync(new SandboxCreateOptions { ContainerId = "c1" }, CancellationToken.None);
        var e1 = await controller.CreateEndpointAsync(n1.Id, new EndpointCreateOptions { Name = "e1" }, CancellationToken.None);
        var e2 = await controller.CreateEndpointAsync(n2.Id, new EndpointCreateOptions { Name = "e2" }, CancellationToken.None);
        await controller.JoinAsync(e1.Id, sandbox.Id, CancellationToken.None);
        await controller.JoinAsync(e2.Id, sandbox.Id, CancellationToken.None);
        var sb = await f.SandboxClientAsync(sandbox.Key);
        var eth1 = sb.GetLink("eth1");
        Assert.Equal(IPAddress.Parse("172.30.0.1"), sb.GetRoutes(AddressFamily.InterNetwork).Single(r => r.IsDefault).Gateway);

        await controller.LeaveAsync(e1.Id, CancellationToken.None);

        var moved = sb.GetRoutes(AddressFamily.InterNetwork).Single(r => r.IsDefault);
        Assert.Equal(IPAddress.Parse("172.31.0.1"), moved.Gateway);
        Assert.Equal(eth1.Index, moved.OutputInterfaceIndex);
        await controller.LeaveAsync(e2.Id, CancellationToken.None);
        await controller.DeleteEndpointAsync(e1.Id, force: false, CancellationToken.None);
        await controller.DeleteEndpointAsync(e2.Id, force: false, CancellationToken.None);
        await controller.DeleteSandboxAsync(sandbox.Id, CancellationToken.None);
        await controller.DeleteNetworkAsync(n1.Id, force: false, CancellationToken.None);
        await controller.DeleteNetworkAsync(n2.Id, force: false, CancellationToken.None);
    }

    [Fact]
    public async Task Join_RouteCannotBeAdded_RolledBackWithClearErrorAndNothingLeft()
    {
        await using var f = await SandboxFixture.StartAsync();
        var driver = new VethDriver(f.Host) { UnreachableRoute = true };
        await using var controller = await Controller.CreateAsync(new ControllerOptions { Sandboxes = f.Provider }, [new Cnm.Core.Drivers.BuiltIn.BuiltInDriverModule(), driver]);
        var network = await controller.CreateNetworkAsync(new NetworkCreateOptions { Name = "n1", Driver = "vethdrv", IPv4 = [new IpamConfig("172.30.0.0/24")] }, CancellationToken.None);
        var sandbox = await controller.CreateSandboxAsync(new SandboxCreateOptions { ContainerId = "c1" }, CancellationToken.None);
        var endpoint = await controller.CreateEndpointAsync(network.Id, new EndpointCreateOptions { Name = "e1" }, CancellationToken.None);

        var ex = await Assert.ThrowsAsync<Cnm.Core.Errors.CnmException>(() => controller.JoinAsync(endpoint.Id, sandbox.Id, CancellationToken.None));

        Assert.Equal(Cnm.Protocol.ErrorCategory.InvalidParameter, ex.Category);
        Assert.Contains("10.99.0.0/16 via 203.0.113.1", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, driver.Leaves);
        Assert.NotNull(f.Host.FindLink("c" + endpoint.Id[..8]));
        var sb = await f.SandboxClientAsync(sandbox.Key);
        Assert.Equal(["lo"], sb.GetLinks().Select(l => l.Name));
        Assert.Empty(sb.GetRoutes(AddressFamily.InterNetwork));
        await controller.DeleteEndpointAsync(endpoint.Id, force: false, CancellationToken.None);
        await controller.DeleteSandboxAsync(sandbox.Id, CancellationToken.None);
        await controller.DeleteNetworkAsync(network.Id, force: false, CancellationToken.None);
    }
}
