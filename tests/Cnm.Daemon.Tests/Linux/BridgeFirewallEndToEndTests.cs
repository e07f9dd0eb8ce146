using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Text;
using Cnm.Core.Net;
using Cnm.Linux.Namespaces;
using Cnm.Linux.Netlink;
using Cnm.Linux.Tests.Sandboxes;

namespace Cnm.Daemon.Tests.Linux;

/// <summary>
/// Issue 12's bridge acceptance that needs real rules: isolation between bridge networks, masquerade to an "outside"
/// namespace, a published port from outside (DNAT) and from a second sandbox (hairpin). cnmd runs with its own firewall
/// (no CNM_TEST_BRIDGE_FIREWALL): the nftables firewall of LinuxDriverSetup, in the test's host namespace. Needs root;
/// nothing is left behind (checked on dispose).
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class BridgeFirewallEndToEndTests
{
    [Fact]
    public async Task TwoBridgeNetworks_CannotReachEachOther()
    {
        await using var e2e = await LinuxDaemon.StartAsync();
        await e2e.GuardAsync(async () =>
        {
            await e2e.RunDockerAsync("network", "create", "--subnet", "10.101.0.0/24", "iso1");
            await e2e.RunDockerAsync("network", "create", "--subnet", "10.102.0.0/24", "iso2");
            var (aId, aKey) = await e2e.SandboxAsync("isoboxa");
            var (bId, bKey) = await e2e.SandboxAsync("isoboxb");
            await e2e.RunDockerAsync("network", "connect", "iso1", "isoboxa");
            await e2e.RunDockerAsync("network", "connect", "iso2", "isoboxb");
            var b = AddressOf(await e2e.EndpointAsync(bId, "iso2"));
            var a = AddressOf(await e2e.EndpointAsync(aId, "iso1"));
            Assert.True(await Icmp.EchoAsync(aKey, IPAddress.Parse("10.101.0.1")), "a must still reach its own gateway");
            Assert.False(await Icmp.EchoAsync(aKey, b), "a sandbox of iso1 reached one of iso2");
            Assert.False(await Icmp.EchoAsync(bKey, a), "a sandbox of iso2 reached one of iso1");
            await RemoveAllAsync(e2e, [("iso1", "isoboxa"), ("iso2", "isoboxb")], aId, bId);
        });
    }

    [Fact]
    public async Task Masquerade_OutsideServerSeesTheHostAddress()
    {
        await using var e2e = await LinuxDaemon.StartAsync();
        await e2e.GuardAsync(async () =>
        {
            await using var outside = await Outside.StartAsync(e2e);
            await e2e.RunDockerAsync("network", "create", "--subnet", "10.103.0.0/24", "masq");
            var (id, key) = await e2e.SandboxAsync("masqbox");
            await e2e.RunDockerAsync("network", "connect", "masq", "masqbox");
            using var server = await ListenAsync(outside.Path, IPAddress.Any, 0);
            var port = ((IPEndPoint)server.LocalEndPoint!).Port;
            var accepted = server.AcceptAsync();
            using var client = await ConnectAsync(key, new IPEndPoint(Outside.OutsideAddress, port));
            using var peer = await accepted.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(Outside.HostAddress, ((IPEndPoint)peer.RemoteEndPoint!).Address.MapToIPv4());
            await RemoveAllAsync(e2e, [("masq", "masqbox")], id);
        });
    }

    [Fact]
    public async Task PublishedPort_FromOutsideAndHairpinFromASecondSandbox_ReachTheEchoServer()
    {
        await using var e2e = await LinuxDaemon.StartAsync();
        await e2e.GuardAsync(async () =>
        {
            await using var outside = await Outside.StartAsync(e2e);
            await e2e.RunDockerAsync("network", "create", "--subnet", "10.104.0.0/24", "pub");
            var (sId, sKey) = await BridgeEndToEndTests.SandboxWithPortAsync(e2e, "pubserver", "");
            var (cId, cKey) = await e2e.SandboxAsync("pubclient");
            await e2e.RunDockerAsync("network", "connect", "pub", "pubserver");
            await e2e.RunDockerAsync("network", "connect", "pub", "pubclient");
            var endpointId = (await e2e.EndpointAsync(sId, "pub")).GetProperty("Id").GetString()!;
            using var inspect = await e2e.Http.GetAsync($"/cnm/v1/endpoints/{endpointId}");
            var published = (await NativeEndpointTests.ReadAsync(inspect, HttpStatusCode.OK)).GetProperty("DriverInfo").GetProperty("com.docker.network.portmap")[0];
            var hostPort = published.GetProperty("HostPort").GetInt32();
            using var server = await ListenAsync(sKey, IPAddress.Any, 80);
            var echo = EchoLoopAsync(server);

            Assert.Equal("from outside", await RoundTripAsync(outside.Path, new IPEndPoint(Outside.HostAddress, hostPort), "from outside"));
            Assert.Equal("hairpin", await RoundTripAsync(cKey, new IPEndPoint(Outside.HostAddress, hostPort), "hairpin"));
            server.Dispose();
            await Task.WhenAny(echo, Task.Delay(1000));
            await RemoveAllAsync(e2e, [("pub", "pubserver"), ("pub", "pubclient")], sId, cId);
        });
    }

    private static IPAddress AddressOf(System.Text.Json.JsonElement endpoint) =>
        IpPrefix.Parse(endpoint.GetProperty("Interface").GetProperty("Address").GetString()!).Address;

    private static async Task RemoveAllAsync(LinuxDaemon e2e, (string Network, string Box)[] joins, params string[] sandboxes)
    {
        foreach (var (network, box) in joins)
        {
            await e2e.RunDockerAsync("network", "disconnect", network, box);
        }

        await BridgeEndToEndTests.DeleteSandboxesAsync(e2e, sandboxes);
        foreach (var network in joins.Select(j => j.Network).Distinct())
        {
            await e2e.RunDockerAsync("network", "rm", network);
        }

        var left = e2e.HostLinks().Where(l => l != Outside.HostLink).ToList(); // the outside veth, when there is one, is the test's
        Assert.Empty(left);
        await e2e.StopDaemonAsync();
    }

    private static Task<Socket> ListenAsync(string ns, IPAddress address, int port) => NetnsThread.RunAsync(ns, () =>
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(address, port));
        socket.Listen(8);
        return socket;
    }, CancellationToken.None);

    private static async Task<Socket> ConnectAsync(string ns, IPEndPoint target)
    {
        var socket = await NetnsThread.RunAsync(ns, () => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp), CancellationToken.None);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await socket.ConnectAsync(target, timeout.Token);
        return socket;
    }

    private static async Task<string> RoundTripAsync(string ns, IPEndPoint target, string text)
    {
        using var socket = await ConnectAsync(ns, target);
        await socket.SendAsync(Encoding.ASCII.GetBytes(text));
        var buffer = new byte[64];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var n = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        return Encoding.ASCII.GetString(buffer, 0, n);
    }

    private static async Task EchoLoopAsync(Socket server)
    {
        try
        {
            while (true)
            {
                using var peer = await server.AcceptAsync();
                var buffer = new byte[64];
                var n = await peer.ReceiveAsync(buffer);
                await peer.SendAsync(buffer.AsMemory(0, n));
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // the test closed the server
        }
    }

    /// <summary>An "outside" namespace joined to the host namespace by a veth: host 192.0.2.1/24, outside 192.0.2.2/24.</summary>
    private sealed class Outside : IAsyncDisposable
    {
        public const string HostLink = "hout";
        public static readonly IPAddress HostAddress = IPAddress.Parse("192.0.2.1");
        public static readonly IPAddress OutsideAddress = IPAddress.Parse("192.0.2.2");

        private Outside(string path, NetlinkClient client, NetlinkClient host)
        {
            Path = path;
            Client = client;
            HostClient = host;
        }

        public string Path { get; }

        private NetlinkClient Client { get; }

        private NetlinkClient HostClient { get; }

        public static async Task<Outside> StartAsync(LinuxDaemon e2e)
        {
            var path = e2e.Layout.Temp.File("ns", "outside");
            var client = await NetworkNamespace.CreateAndOpenAsync(path, CancellationToken.None);
            using (var handle = NetworkNamespace.Open(path))
            {
                e2e.Host.CreateVeth(HostLink, "oeth", handle);
            }

            var host = e2e.Host.GetLink(HostLink);
            e2e.Host.AddAddress(host.Index, new IpPrefix(HostAddress, 24));
            e2e.Host.SetUp(host.Index);
            var inner = client.GetLink("oeth");
            client.AddAddress(inner.Index, new IpPrefix(OutsideAddress, 24));
            client.SetUp(inner.Index);
            return new Outside(path, client, e2e.Host);
        }

        public ValueTask DisposeAsync()
        {
            Client.Dispose();
            try
            {
                HostClient.DeleteLink(HostLink); // now: the kernel frees the peer of a deleted namespace only in the background
            }
            catch (NetlinkException ex) when (ex.Errno == Errnos.ENODEV)
            {
            }

            NetworkNamespace.Delete(Path);
            return ValueTask.CompletedTask;
        }
    }
}
