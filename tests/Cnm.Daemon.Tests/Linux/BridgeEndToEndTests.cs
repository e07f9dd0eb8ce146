using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Text.Json;
using Cnm.Core.Net;
using Cnm.Linux.Namespaces;
using Cnm.Linux.Tests.Sandboxes;

namespace Cnm.Daemon.Tests.Linux;

/// <summary>
/// Issue 12's bridge acceptance that needs no firewall rules, through cnmd (Linux sandboxes, <c>--host-netns</c>) and the
/// real docker CLI: <c>docker network create n1</c> makes a bridge network by default, two sandboxes on it ping each other
/// and the gateway, and <c>network rm</c> takes the bridge away; published host ports are held and shown in inspect. cnmd
/// runs with the logging test firewall (CNM_TEST_BRIDGE_FIREWALL=recording): the firewall calls are checked in its log,
/// the rules themselves are not applied (see BridgeFirewallEndToEndTests). Needs root; nothing is left behind (checked
/// on dispose: links, mounts, namespaces).
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class BridgeEndToEndTests
{
    [Fact]
    public async Task DefaultDriver_TwoSandboxesPingEachOtherAndTheGateway_RmRemovesTheBridge()
    {
        await using var e2e = await LinuxDaemon.StartAsync(testFirewall: "recording");
        await e2e.GuardAsync(async () =>
        {
            var created = await e2e.Docker.RunAsync("network", "create", "--subnet", "10.91.0.0/24", "n1");
            Assert.True(created.ExitCode == 0, created + "\ncnmd:\n" + e2e.Daemon.Stderr);
            var id = created.Stdout.Trim();
            var inspect = await e2e.Docker.RunAsync("network", "inspect", "-f", "{{.Driver}} {{(index .IPAM.Config 0).Gateway}}", "n1");
            Assert.Equal("bridge 10.91.0.1", inspect.Stdout.Trim());

            var bridge = e2e.Host.GetLink("br-" + id[..12]);
            Assert.Equal("bridge", bridge.Kind);
            Assert.True(bridge.IsUp);
            Assert.Equal("cnm.bridge.network=" + id, bridge.Alias);
            Assert.Contains(e2e.Host.GetAddresses(AddressFamily.InterNetwork, bridge.Index), a => a.Prefix == IpPrefix.Parse("10.91.0.1/24"));
            await e2e.Daemon.WaitForOutputAsync($"test firewall: ApplyNetwork {id} br-{id[..12]} masquerade=True icc=True internal=False", TimeSpan.FromSeconds(30));

            var (aId, aKey) = await e2e.SandboxAsync("bridgeboxa");
            var (bId, bKey) = await e2e.SandboxAsync("bridgeboxb");
            await e2e.RunDockerAsync("network", "connect", "n1", "bridgeboxa");
            await e2e.RunDockerAsync("network", "connect", "n1", "bridgeboxb");
            var a = IpPrefix.Parse((await e2e.EndpointAsync(aId, id)).GetProperty("Interface").GetProperty("Address").GetString()!).Address;
            var b = IpPrefix.Parse((await e2e.EndpointAsync(bId, id)).GetProperty("Interface").GetProperty("Address").GetString()!).Address;
            Assert.True(await Icmp.EchoAsync(aKey, b), $"sandbox a got no echo reply from b at {b}");
            Assert.True(await Icmp.EchoAsync(bKey, a), $"sandbox b got no echo reply from a at {a}");
            Assert.True(await Icmp.EchoAsync(aKey, IPAddress.Parse("10.91.0.1")), "sandbox a got no echo reply from the gateway");
            using (var sandbox = await Cnm.Linux.Netlink.NetlinkClient.OpenAsync(aKey, CancellationToken.None))
            {
                Assert.Contains(sandbox.GetRoutes(AddressFamily.InterNetwork), r => r.IsDefault && Equals(r.Gateway, IPAddress.Parse("10.91.0.1")));
            }

            // Two veths on the bridge while joined; none after disconnect (DeleteEndpoint removes both ends).
            Assert.Equal(2, e2e.Host.GetLinks().Count(l => l.MasterIndex == bridge.Index));
            await e2e.RunDockerAsync("network", "disconnect", "n1", "bridgeboxa");
            await e2e.RunDockerAsync("network", "disconnect", "n1", "bridgeboxb");
            Assert.Equal(["br-" + id[..12]], e2e.HostLinks());
            await DeleteSandboxesAsync(e2e, aId, bId);
            await e2e.RunDockerAsync("network", "rm", "n1");
            await e2e.Daemon.WaitForOutputAsync($"test firewall: RemoveNetwork {id}", TimeSpan.FromSeconds(30));
            Assert.Empty(e2e.HostLinks());

            // The Docker API without a driver picks bridge, as Docker does.
            using (var response = await e2e.Http.PostAsync("/networks/create", NativeEndpointTests.Body("""{"Name":"n2"}""")))
            {
                Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            }

            Assert.Equal("bridge", (await e2e.Docker.RunAsync("network", "inspect", "-f", "{{.Driver}}", "n2")).Stdout.Trim());
            await e2e.RunDockerAsync("network", "rm", "n2");
            Assert.Empty(e2e.HostLinks());
            await e2e.StopDaemonAsync();
        });
    }

    [Fact]
    public async Task Internal_NoGatewayNoDefaultRoute_FirewallToldInternal()
    {
        await using var e2e = await LinuxDaemon.StartAsync(testFirewall: "recording");
        await e2e.GuardAsync(async () =>
        {
            var created = await e2e.Docker.RunAsync("network", "create", "--internal", "--subnet", "10.99.0.0/24", "inner");
            Assert.True(created.ExitCode == 0, created.ToString());
            var id = created.Stdout.Trim();
            await e2e.Daemon.WaitForOutputAsync($"test firewall: ApplyNetwork {id} br-{id[..12]} masquerade=False icc=True internal=True", TimeSpan.FromSeconds(30));
            var (aId, aKey) = await e2e.SandboxAsync("innerboxa");
            var (bId, _) = await e2e.SandboxAsync("innerboxb");
            await e2e.RunDockerAsync("network", "connect", "inner", "innerboxa");
            await e2e.RunDockerAsync("network", "connect", "inner", "innerboxb");
            using (var sandbox = await Cnm.Linux.Netlink.NetlinkClient.OpenAsync(aKey, CancellationToken.None))
            {
                Assert.DoesNotContain(sandbox.GetRoutes(AddressFamily.InterNetwork), r => r.IsDefault);
                Assert.Equal(["eth0", "lo"], sandbox.GetLinks().Select(l => l.Name).Order(StringComparer.Ordinal));
            }

            var b = IpPrefix.Parse((await e2e.EndpointAsync(bId, id)).GetProperty("Interface").GetProperty("Address").GetString()!).Address;
            Assert.True(await Icmp.EchoAsync(aKey, b), "sandboxes of one internal network still reach each other");
            await e2e.RunDockerAsync("network", "disconnect", "inner", "innerboxa");
            await e2e.RunDockerAsync("network", "disconnect", "inner", "innerboxb");
            await DeleteSandboxesAsync(e2e, aId, bId);
            await e2e.RunDockerAsync("network", "rm", "inner");
            await e2e.StopDaemonAsync();
        });
    }

    [Fact]
    public async Task PublishedPort_HostPortIsHeldAndShownInInspect_ReleasedOnDisconnect()
    {
        await using var e2e = await LinuxDaemon.StartAsync(testFirewall: "recording");
        await e2e.GuardAsync(async () =>
        {
            await e2e.RunDockerAsync("network", "create", "--subnet", "10.92.0.0/24", "ports");
            var (id, _) = await SandboxWithPortAsync(e2e, "portbox", "");
            await e2e.RunDockerAsync("network", "connect", "ports", "portbox");
            var endpointId = (await e2e.EndpointAsync(id, "ports")).GetProperty("Id").GetString()!;
            using var response = await e2e.Http.GetAsync($"/cnm/v1/endpoints/{endpointId}");
            var endpoint = await NativeEndpointTests.ReadAsync(response, HttpStatusCode.OK);
            var published = Assert.Single(endpoint.GetProperty("DriverInfo").GetProperty("com.docker.network.portmap").EnumerateArray());
            Assert.Equal(80, published.GetProperty("Port").GetInt32());
            var hostPort = published.GetProperty("HostPort").GetInt32();
            Assert.InRange(hostPort, 1, 65535);
            await e2e.Daemon.WaitForOutputAsync($"ApplyPorts ", TimeSpan.FromSeconds(30));
            Assert.Contains($"tcp::{hostPort}->10.92.0.2:80", e2e.Daemon.Stderr, StringComparison.Ordinal);

            // Held in the host namespace: nobody else can bind it while it is published.
            Assert.Equal(SocketError.AddressAlreadyInUse, await TryBindAsync(e2e.HostNs, hostPort));
            await e2e.RunDockerAsync("network", "disconnect", "ports", "portbox");
            Assert.Equal(SocketError.Success, await TryBindAsync(e2e.HostNs, hostPort));
            await DeleteSandboxesAsync(e2e, id);
            await e2e.RunDockerAsync("network", "rm", "ports");
            await e2e.StopDaemonAsync();
        });
    }

    [Fact]
    public async Task PublishedPort_HostPortTaken_ClearErrorAndNothingLeft()
    {
        await using var e2e = await LinuxDaemon.StartAsync(testFirewall: "recording");
        await e2e.GuardAsync(async () =>
        {
            await e2e.RunDockerAsync("network", "create", "--subnet", "10.93.0.0/24", "taken");
            using var holder = await HoldHostPortAsync(e2e);
            var port = ((IPEndPoint)holder.LocalEndPoint!).Port;
            var (id, _) = await SandboxWithPortAsync(e2e, "takenbox", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var result = await e2e.Docker.RunAsync("network", "connect", "taken", "takenbox");
            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains($"host port tcp 0.0.0.0:{port} is already in use", result.Stderr, StringComparison.Ordinal);
            var bridge = e2e.Host.GetLink(e2e.HostLinks().Single(l => l.StartsWith("br-", StringComparison.Ordinal)));
            Assert.DoesNotContain(e2e.Host.GetLinks(), l => l.MasterIndex == bridge.Index); // the endpoint's veth went with the rollback
            await DeleteSandboxesAsync(e2e, id);
            await e2e.RunDockerAsync("network", "rm", "taken");
            await e2e.StopDaemonAsync();
        });
    }

    [Fact]
    public async Task BadInput_ClearErrorsAndNothingHalfMade()
    {
        await using var e2e = await LinuxDaemon.StartAsync(testFirewall: "recording");
        await e2e.GuardAsync(async () =>
        {
            var icc = await e2e.Docker.RunAsync("network", "create", "-o", "com.docker.network.bridge.enable_icc=maybe", "bad1");
            Assert.NotEqual(0, icc.ExitCode);
            Assert.Contains("invalid value \"maybe\" for option com.docker.network.bridge.enable_icc", icc.Stderr, StringComparison.Ordinal);

            var mtu = await e2e.Docker.RunAsync("network", "create", "-o", "com.docker.network.driver.mtu=9x", "bad2");
            Assert.NotEqual(0, mtu.ExitCode);
            Assert.Contains("com.docker.network.driver.mtu", mtu.Stderr, StringComparison.Ordinal);

            e2e.Host.CreateBridge("foreignbr");
            var foreign = await e2e.Docker.RunAsync("network", "create", "-o", "com.docker.network.bridge.name=foreignbr", "bad3");
            Assert.NotEqual(0, foreign.ExitCode);
            Assert.Contains("an interface named foreignbr exists already (bridge, not made by Cnm)", foreign.Stderr, StringComparison.Ordinal);
            Assert.NotNull(e2e.Host.FindLink("foreignbr")); // never touched
            e2e.Host.DeleteLink("foreignbr");

            var list = await e2e.Docker.RunAsync("network", "ls", "--format", "{{.Name}}");
            Assert.DoesNotContain("bad", list.Stdout, StringComparison.Ordinal);
            Assert.Empty(e2e.HostLinks());
            await e2e.StopDaemonAsync();
        });
    }

    [Fact]
    public async Task NoFirewall_BridgeNetworkRefusedWithTheReason()
    {
        await using var e2e = await LinuxDaemon.StartAsync(testFirewall: "none");
        await e2e.GuardAsync(async () =>
        {
            var result = await e2e.Docker.RunAsync("network", "create", "nofw");
            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains("bridge networks need cnmd's firewall (nftables), and this cnmd has none", result.Stderr, StringComparison.Ordinal);
            Assert.Empty(e2e.HostLinks());
            await e2e.StopDaemonAsync();
        });
    }

    /// <summary>A TCP socket listening on a free port of the Cnm host's namespace, to hold that port against a published one.</summary>
    internal static Task<Socket> HoldHostPortAsync(LinuxDaemon e2e) => NetnsThread.RunAsync(e2e.HostNs, () =>
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Any, 0));
        socket.Listen(1);
        return socket;
    }, CancellationToken.None);

    internal static async Task<(string Id, string Key)> SandboxWithPortAsync(LinuxDaemon e2e, string name, string hostPort)
    {
        using var response = await e2e.Http.PostAsync("/cnm/v1/sandboxes", NativeEndpointTests.Body(
            $$$"""{"ContainerId":"{{{name}}}","Name":"{{{name}}}","PortBindings":{"80/tcp":[{"HostPort":"{{{hostPort}}}"}]}}"""));
        var sandbox = await NativeEndpointTests.ReadAsync(response, HttpStatusCode.Created);
        return (sandbox.GetProperty("Id").GetString()!, sandbox.GetProperty("Key").GetString()!);
    }

    internal static async Task DeleteSandboxesAsync(LinuxDaemon e2e, params string[] ids)
    {
        foreach (var sandbox in ids)
        {
            using var response = await e2e.Http.DeleteAsync($"/cnm/v1/sandboxes/{sandbox}");
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }
    }

    internal static Task<SocketError> TryBindAsync(string ns, int port) => NetnsThread.RunAsync(ns, () =>
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Any, port));
            socket.Listen(1);
            return SocketError.Success;
        }
        catch (SocketException ex)
        {
            return ex.SocketErrorCode;
        }
    }, CancellationToken.None);
}
