using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Text;
using Cnm.Core.Net;
using Cnm.Linux.Namespaces;
using Cnm.Linux.Netlink;

namespace Cnm.Daemon.Tests.Linux;

/// <summary>
/// Issue 11 acceptance, the "outside" namespace: a sandbox joined through cnmd and the docker CLI, whose plugin gives
/// it a gateway, reaches a TCP server in a third namespace. The plugin's bridge in the host namespace (<c>--host-netns</c>)
/// carries the gateway address, the host namespace forwards and routes, and the outside namespace is linked to it by a
/// veth; the sandbox's default route (via the gateway) is the only way there. Needs root; the outside namespace, the
/// links and everything cnmd made are removed, and nothing is left behind (checked on dispose).
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class LinuxOutsideReachTests
{
    [Fact]
    public async Task Connect_PluginGivesGateway_SandboxReachesServerInOutsideNamespace()
    {
        await using var e2e = await LinuxDaemon.StartAsync();
        await e2e.GuardAsync(async () =>
        {
            var outsideNs = e2e.Layout.Temp.File("ns", "outside");
            await NetworkNamespace.CreateAsync(outsideNs, CancellationToken.None);
            try
            {
                await RunAsync(e2e, outsideNs);
            }
            finally
            {
                NetworkNamespace.Delete(outsideNs);
            }
        });
    }

    private static async Task RunAsync(LinuxDaemon e2e, string outsideNs)
    {
        // The host namespace: the plugin's bridge with the gateway address, a veth to the outside, forwarding on.
        e2e.Host.CreateBridge(LinuxDaemon.Bridge);
        var bridge = e2e.Host.GetLink(LinuxDaemon.Bridge);
        e2e.Host.AddAddress(bridge.Index, IpPrefix.Parse("10.77.0.1/24"));
        e2e.Host.SetUp(bridge.Index);
        using (var outsideHandle = NetworkNamespace.Open(outsideNs))
        {
            e2e.Host.CreateVeth("o-host", "o-out", outsideHandle);
        }

        var hostEnd = e2e.Host.GetLink("o-host");
        e2e.Host.AddAddress(hostEnd.Index, IpPrefix.Parse("10.250.0.1/24"));
        e2e.Host.SetUp(hostEnd.Index);
        await NetnsThread.RunAsync(e2e.HostNs, () =>
        {
            File.WriteAllText("/proc/sys/net/ipv4/ip_forward", "1"); // per namespace: the host namespace's own
            return true;
        }, CancellationToken.None);

        // The outside namespace: its end of the veth, a route back to the sandboxes' subnet, a TCP server.
        using var outside = await NetlinkClient.OpenAsync(outsideNs, CancellationToken.None);
        var outEnd = outside.GetLink("o-out");
        outside.AddAddress(outEnd.Index, IpPrefix.Parse("10.250.0.2/24"));
        outside.SetUp(outEnd.Index);
        outside.AddRoute(new NetlinkRoute(IpPrefix.Parse("10.77.0.0/24")) { Gateway = IPAddress.Parse("10.250.0.1") });
        using var server = await NetnsThread.RunAsync(outsideNs, () => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp), CancellationToken.None);
        server.Bind(new IPEndPoint(IPAddress.Parse("10.250.0.2"), 0));
        server.Listen();
        var port = ((IPEndPoint)server.LocalEndPoint!).Port;

        var network = await e2e.NetworkAsync("e2e-out", 77);
        var (id, key) = await e2e.SandboxAsync("outbox1");
        await e2e.RunDockerAsync("network", "connect", "e2e-out", "outbox1");

        // The sandbox has no route of its own to 10.250.0.0/24: only its default route via 10.77.0.1 gets there.
        using (var sandbox = await NetlinkClient.OpenAsync(key, CancellationToken.None))
        {
            Assert.DoesNotContain(sandbox.GetRoutes(AddressFamily.InterNetwork), r => !r.IsDefault && r.Destination.Contains(IPAddress.Parse("10.250.0.2")));
        }

        using var client = await NetnsThread.RunAsync(key, () => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp), CancellationToken.None);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var accepting = server.AcceptAsync(timeout.Token).AsTask();
        await client.ConnectAsync(new IPEndPoint(IPAddress.Parse("10.250.0.2"), port), timeout.Token);
        using var accepted = await accepting;
        await client.SendAsync(Encoding.ASCII.GetBytes("hello"), SocketFlags.None, timeout.Token);
        var buffer = new byte[5];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await accepted.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, timeout.Token);
            Assert.NotEqual(0, n);
            read += n;
        }

        Assert.Equal("hello", Encoding.ASCII.GetString(buffer));
        var endpoint = await e2e.EndpointAsync(id, network);
        var address = IpPrefix.Parse(endpoint.GetProperty("Interface").GetProperty("Address").GetString()!).Address;
        Assert.Equal(address, ((IPEndPoint)accepted.RemoteEndPoint!).Address); // routed, not translated

        client.Close();
        await e2e.RunDockerAsync("network", "disconnect", "e2e-out", "outbox1");
        using (var delete = await e2e.Http.DeleteAsync($"/cnm/v1/sandboxes/{id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        await e2e.RunDockerAsync("network", "rm", "e2e-out");
        e2e.Host.DeleteLink(hostEnd.Index); // its peer in the outside namespace goes with it
        e2e.Host.DeleteLink(LinuxDaemon.Bridge);
        Assert.Empty(e2e.HostLinks());
        await e2e.StopDaemonAsync();
    }
}
