using System.Net;
using System.Net.Sockets;
using Cnm.Core.Net;
using Cnm.Linux.Firewall;
using Cnm.Linux.Namespaces;
using Cnm.Linux.Netlink;

namespace Cnm.Linux.Tests.Firewall;

/// <summary>
/// Real traffic through <see cref="NftablesBridgeFirewall"/>: a "host" namespace with two bridges the test makes
/// over netlink, sandboxes on them, and an "outside" namespace behind a veth. Masquerade, a published port (DNAT),
/// hairpin from the same bridge, and isolation between the two bridge networks.
/// </summary>
public sealed class TrafficTests
{
    private const string IdA = "ta0000000000000000000000000000000000000000000000000000000000000a";
    private const string IdB = "tb0000000000000000000000000000000000000000000000000000000000000b";

    [Fact]
    public async Task BridgeNetworks_MasqueradeDnatHairpinIsolation_AsTheRulesSay()
    {
        await using var f = await NftFixture.StartAsync();
        var ns = f.Namespaces;
        var host = await ns.ClientAsync(f.HostPath);
        var s1 = await SandboxAsync(ns, host, "s1", "br-ta", "172.30.0.2/24", "172.30.0.1");
        var s2 = await SandboxAsync(ns, host, "s2", "br-ta", "172.30.0.3/24", "172.30.0.1");
        var s3 = await SandboxAsync(ns, host, "s3", "br-tb", "172.31.0.2/24", "172.31.0.1");
        var outside = await ns.CreateAsync("outside");
        using (var o = NetworkNamespace.Open(outside))
        {
            host.CreateVeth("vout", "eth0", o);
        }

        var vout = host.GetLink("vout").Index;
        host.AddAddress(vout, IpPrefix.Parse("10.99.0.1/24"));
        host.SetUp(vout);
        var oc = await ns.ClientAsync(outside);
        oc.AddAddress(oc.GetLink("eth0").Index, IpPrefix.Parse("10.99.0.2/24"));
        oc.SetUp(oc.GetLink("eth0").Index);
        await NetnsThread.RunAsync(f.HostPath, () => { File.WriteAllText("/proc/sys/net/ipv4/ip_forward", "1"); return 0; }, CancellationToken.None);

        using var echo = await ListenAsync(s1, new IPEndPoint(IPAddress.Parse("172.30.0.2"), 80));
        var echoing = EchoAsync(echo);
        Assert.True(await TryEchoAsync(s3, new IPEndPoint(IPAddress.Parse("172.30.0.2"), 80)), "without rules, br-tb reaches br-ta (so the drop below is the firewall's)");

        await f.Firewall.ApplyNetworkAsync(NftablesBridgeFirewallTests.Rules(IdA, "br-ta", "172.30.0.0/24"), CancellationToken.None);
        await f.Firewall.ApplyNetworkAsync(NftablesBridgeFirewallTests.Rules(IdB, "br-tb", "172.31.0.0/24"), CancellationToken.None);
        await f.Firewall.ApplyPortsAsync(IdA, "ep-s1", [new PortMapping("tcp", null, 8080, IPAddress.Parse("172.30.0.2"), 80)], CancellationToken.None);

        // Masquerade: the outside server sees the host's address, not the sandbox's.
        using (var server = await ListenAsync(outside, new IPEndPoint(IPAddress.Parse("10.99.0.2"), 7000)))
        {
            var accepted = server.AcceptAsync();
            using var client = await ConnectAsync(s1, new IPEndPoint(IPAddress.Parse("10.99.0.2"), 7000));
            using var peer = await accepted.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(IPAddress.Parse("10.99.0.1"), ((IPEndPoint)peer.RemoteEndPoint!).Address);
        }

        // A published port from outside, and hairpin from a sandbox of the same bridge.
        Assert.True(await TryEchoAsync(outside, new IPEndPoint(IPAddress.Parse("10.99.0.1"), 8080)), "outside -> host:8080 -> s1:80");
        Assert.True(await TryEchoAsync(s2, new IPEndPoint(IPAddress.Parse("10.99.0.1"), 8080)), "hairpin: s2 -> host:8080 -> s1:80");

        // Isolation: br-tb cannot reach br-ta directly any more.
        Assert.False(await TryEchoAsync(s3, new IPEndPoint(IPAddress.Parse("172.30.0.2"), 80)), "br-tb must not reach br-ta");

        echo.Dispose();
        await Assert.ThrowsAnyAsync<Exception>(() => echoing);
        await f.Firewall.RemoveNetworkAsync(IdA, CancellationToken.None);
        await f.Firewall.RemoveNetworkAsync(IdB, CancellationToken.None);
        await f.AssertCleanAsync();
        foreach (var link in new[] { "vout", "vs1", "vs2", "vs3", "br-ta", "br-tb" })
        {
            host.DeleteLink(link);
        }

        Assert.Equal(["lo"], host.GetLinks().Select(l => l.Name));
    }

    private static async Task<string> SandboxAsync(TestNamespaces ns, NetlinkClient host, string name, string bridge, string address, string gateway)
    {
        var path = await ns.CreateAsync(name);
        if (host.FindLink(bridge) is null)
        {
            host.CreateBridge(bridge);
            host.AddAddress(host.GetLink(bridge).Index, IpPrefix.Parse(gateway + "/24"));
            host.SetUp(host.GetLink(bridge).Index);
        }

        using (var handle = NetworkNamespace.Open(path))
        {
            host.CreateVeth("v" + name, "eth0", handle);
        }

        var veth = host.GetLink("v" + name).Index;
        host.SetMaster(veth, host.GetLink(bridge).Index);
        host.SetUp(veth);
        var sandbox = await ns.ClientAsync(path);
        var eth0 = sandbox.GetLink("eth0").Index;
        sandbox.AddAddress(eth0, IpPrefix.Parse(address));
        sandbox.SetUp(eth0);
        sandbox.AddRoute(NetlinkRoute.DefaultVia(IPAddress.Parse(gateway), eth0));
        return path;
    }

    private static Task<Socket> ListenAsync(string netns, IPEndPoint at) => NetnsThread.RunAsync(netns, () =>
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(at);
        socket.Listen(16);
        return socket;
    }, CancellationToken.None);

    private static async Task<Socket> ConnectAsync(string netns, IPEndPoint to)
    {
        var socket = await NetnsThread.RunAsync(netns, () => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp), CancellationToken.None);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await socket.ConnectAsync(to, timeout.Token);
        return socket;
    }

    /// <summary>Connects from <paramref name="netns"/> and checks the echo; false when the connection is dropped (no answer in 3 s).</summary>
    private static async Task<bool> TryEchoAsync(string netns, IPEndPoint to)
    {
        using var socket = await NetnsThread.RunAsync(netns, () => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp), CancellationToken.None);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        try
        {
            await socket.ConnectAsync(to, timeout.Token);
        }
        catch (OperationCanceledException)
        {
            return false;
        }

        await socket.SendAsync("ping"u8.ToArray());
        var buffer = new byte[4];
        var read = 0;
        using var readTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (read < 4)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(read), readTimeout.Token);
            Assert.True(n > 0, "echo closed early");
            read += n;
        }

        Assert.Equal("ping"u8.ToArray(), buffer);
        return true;
    }

    private static async Task EchoAsync(Socket listener)
    {
        while (true)
        {
            var connection = await listener.AcceptAsync();
            _ = Task.Run(async () =>
            {
                using (connection)
                {
                    var buffer = new byte[64];
                    int n;
                    while ((n = await connection.ReceiveAsync(buffer)) > 0)
                    {
                        await connection.SendAsync(buffer.AsMemory(0, n));
                    }
                }
            });
        }
    }
}
