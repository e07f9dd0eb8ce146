using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Cnm.Core.Drivers;
using Cnm.Core.Net;
using Cnm.Linux.Namespaces;
using Cnm.Linux.Netlink;
using static Cnm.Linux.Tests.Sandboxes.SandboxFixture;

namespace Cnm.Linux.Tests.Sandboxes;

/// <summary>Sandboxes as namespaces, joins and leaves, against the kernel; the host is a namespace of the test.</summary>
public sealed class LinuxSandboxProviderTests
{
    private const string Id1 = "aaaaaaaaaaaa1111111111111111111111111111111111111111111111111111";
    private const string Id2 = "bbbbbbbbbbbb2222222222222222222222222222222222222222222222222222";

    [Fact]
    public async Task CreateAsync_NewSandbox_KeyIsMountedNamespaceWithLoopbackAndResolverFiles()
    {
        await using var f = await StartAsync();

        var key = await f.CreateSandboxAsync(Id1);

        Assert.Equal(Path.Combine(f.ExecRoot, "netns", Id1[..12]), key);
        Assert.True(NetworkNamespace.IsMounted(key));
        var lo = Assert.Single((await f.SandboxClientAsync(key)).GetLinks());
        Assert.True(lo.IsUp);
        var files = f.Provider.FilesDirectory(Id1);
        Assert.StartsWith("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n", await File.ReadAllTextAsync(Path.Combine(files, "hosts")), StringComparison.Ordinal);
        Assert.Equal("nameserver 192.0.2.53\nsearch example.test\n", await File.ReadAllTextAsync(Path.Combine(files, "resolv.conf")));
    }

    [Fact]
    public async Task DeleteAsync_Sandbox_NamespaceMountAndFilesGone()
    {
        await using var f = await StartAsync();
        var key = await f.CreateSandboxAsync(Id1);

        await f.Provider.DeleteAsync(key, CancellationToken.None);

        Assert.False(File.Exists(key));
        Assert.False(Directory.Exists(f.Provider.FilesDirectory(Id1)));
        Assert.DoesNotContain(f.Namespaces.Mounts(), m => m.StartsWith(f.ExecRoot, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AddInterfaceAsync_Veth_Eth0WithMacAddressesAndRoutes()
    {
        await using var f = await StartAsync();
        var key = await f.CreateSandboxAsync(Id1, hostname: "web");
        f.Host.CreateVeth("h1", "c1");
        var join = Join("c1", "172.30.0.1", "2001:db8:1::1",
            Route("10.60.0.0/16", RouteType.NextHop, "172.30.0.9"), Route("10.50.0.0/16", RouteType.Connected));
        var ep = Endpoint("e1", "172.30.0.2/24", "02:42:ac:1e:00:02", "2001:db8:1::2/64", join);

        await f.Provider.AddInterfaceAsync(key, ep, join, gateway: true, CancellationToken.None);

        var sb = await f.SandboxClientAsync(key);
        Assert.Null(f.Host.FindLink("c1"));
        var eth0 = sb.GetLink("eth0");
        Assert.True(eth0.IsUp);
        Assert.Equal(PhysicalAddress.Parse("02-42-AC-1E-00-02"), eth0.MacAddress);
        var addresses = sb.GetAddresses(AddressFamily.Unspecified, eth0.Index).Select(a => a.Prefix).ToList();
        Assert.Contains(IpPrefix.Parse("172.30.0.2/24"), addresses);
        Assert.Contains(IpPrefix.Parse("2001:db8:1::2/64"), addresses);
        var v4 = sb.GetRoutes(AddressFamily.InterNetwork);
        Assert.Contains(v4, r => r.IsDefault && r.Gateway!.Equals(IPAddress.Parse("172.30.0.1")) && r.OutputInterfaceIndex == eth0.Index);
        Assert.Contains(v4, r => r.Destination == IpPrefix.Parse("10.60.0.0/16") && r.Gateway!.Equals(IPAddress.Parse("172.30.0.9")));
        Assert.Contains(v4, r => r.Destination == IpPrefix.Parse("10.50.0.0/16") && r.Scope == RouteScope.Link && r.OutputInterfaceIndex == eth0.Index);
        Assert.Contains(sb.GetRoutes(AddressFamily.InterNetworkV6), r => r.IsDefault && r.Gateway!.Equals(IPAddress.Parse("2001:db8:1::1")));
        Assert.Contains("172.30.0.2\tweb", await File.ReadAllTextAsync(Path.Combine(f.Provider.FilesDirectory(Id1), "hosts")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RemoveInterfaceAsync_Joined_BackInHostUnderSrcNameAndSandboxEmpty()
    {
        await using var f = await StartAsync();
        var key = await f.CreateSandboxAsync(Id1, hostname: "web");
        f.Host.CreateVeth("h1", "c1");
        var join = Join("c1", "172.30.0.1");
        var ep = Endpoint("e1", "172.30.0.2/24", join: join);
        await f.Provider.AddInterfaceAsync(key, ep, join, gateway: true, CancellationToken.None);

        await f.Provider.RemoveInterfaceAsync(key, ep, nextGateway: null, CancellationToken.None);

        var back = f.Host.GetLink("c1");
        Assert.False(back.IsUp);
        Assert.True(string.IsNullOrEmpty(back.Alias));
        Assert.Empty(f.Host.GetAddresses(AddressFamily.InterNetwork, back.Index));
        Assert.Equal(["lo"], (await f.SandboxClientAsync(key)).GetLinks().Select(l => l.Name));
        Assert.DoesNotContain("172.30.0.2", await File.ReadAllTextAsync(Path.Combine(f.Provider.FilesDirectory(Id1), "hosts")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task SecondEndpoint_GatewayLeaves_Eth1TakesDefaultRoute(bool controllerSaysGateway)
    {
        await using var f = await StartAsync();
        var key = await f.CreateSandboxAsync(Id1);
        f.Host.CreateVeth("h1", "c1");
        f.Host.CreateVeth("h2", "c2");
        var join1 = Join("c1", "172.30.0.1");
        var join2 = Join("c2", "172.31.0.1");
        var ep1 = Endpoint("e1", "172.30.0.2/24", join: join1);
        var ep2 = Endpoint("e2", "172.31.0.2/24", join: join2);

        if (controllerSaysGateway)
        {
            await f.Provider.AddInterfaceAsync(key, ep1, join1, gateway: true, CancellationToken.None);
            await f.Provider.AddInterfaceAsync(key, ep2, join2, gateway: false, CancellationToken.None);
        }
        else
        {
            await f.Provider.AddInterfaceAsync(key, ep1, join1, CancellationToken.None);
            await f.Provider.AddInterfaceAsync(key, ep2, join2, CancellationToken.None);
        }

        var sb = await f.SandboxClientAsync(key);
        var eth1 = sb.GetLink("eth1");
        Assert.Equal([IPAddress.Parse("172.30.0.1")], Defaults(sb));

        if (controllerSaysGateway)
        {
            await f.Provider.RemoveInterfaceAsync(key, ep1, nextGateway: ep2, CancellationToken.None);
        }
        else
        {
            await f.Provider.RemoveInterfaceAsync(key, ep1, CancellationToken.None);
        }

        Assert.Equal([IPAddress.Parse("172.31.0.1")], Defaults(sb));
        Assert.Equal(eth1.Index, sb.GetRoutes(AddressFamily.InterNetwork).Single(r => r.IsDefault).OutputInterfaceIndex);
        Assert.NotNull(f.Host.FindLink("c1"));

        f.Host.CreateVeth("h3", "c3");
        var join3 = Join("c3");
        await f.Provider.AddInterfaceAsync(key, Endpoint("e3", "172.32.0.2/24", join: join3), join3, gateway: false, CancellationToken.None);
        Assert.NotNull(sb.FindLink("eth0")); // the lowest free index is taken again

        static List<IPAddress> Defaults(NetlinkClient sb) =>
            [.. sb.GetRoutes(AddressFamily.InterNetwork).Where(r => r.IsDefault).Select(r => r.Gateway!)];
    }

    [Fact]
    public async Task TwoSandboxes_PeersOnOneBridge_PingEachOther()
    {
        await using var f = await StartAsync();
        var key1 = await f.CreateSandboxAsync(Id1);
        var key2 = await f.CreateSandboxAsync(Id2);
        f.Host.CreateBridge("br-t");
        var bridge = f.Host.GetLink("br-t").Index;
        f.Host.AddAddress(bridge, IpPrefix.Parse("172.30.0.1/24"));
        f.Host.SetUp(bridge);
        foreach (var (n, key, ip) in new[] { ("1", key1, "172.30.0.2/24"), ("2", key2, "172.30.0.3/24") })
        {
            f.Host.CreateVeth("h" + n, "c" + n);
            f.Host.SetMaster(f.Host.GetLink("h" + n).Index, bridge);
            f.Host.SetUp(f.Host.GetLink("h" + n).Index);
            var join = Join("c" + n, "172.30.0.1");
            await f.Provider.AddInterfaceAsync(key, Endpoint("e" + n, ip, join: join), join, gateway: true, CancellationToken.None);
        }

        Assert.True(await Icmp.EchoAsync(key1, IPAddress.Parse("172.30.0.3")));
        Assert.True(await Icmp.EchoAsync(key2, IPAddress.Parse("172.30.0.2")));
        Assert.True(await Icmp.EchoAsync(key1, IPAddress.Parse("172.30.0.1")));
        f.Host.DeleteLink(bridge);
    }

    [Fact]
    public async Task RestoreAsync_NewProviderInstance_LeaveFindsInterfaceAndHandsGatewayOver()
    {
        await using var f = await StartAsync();
        var key = await f.CreateSandboxAsync(Id1);
        f.Host.CreateVeth("h1", "c1");
        f.Host.CreateVeth("h2", "c2");
        var join1 = Join("c1", "172.30.0.1");
        var join2 = Join("c2", "172.31.0.1");
        var ep1 = Endpoint("e1", "172.30.0.2/24", join: join1);
        var ep2 = Endpoint("e2", "172.31.0.2/24", join: join2);
        await f.Provider.AddInterfaceAsync(key, ep1, join1, gateway: true, CancellationToken.None);
        await f.Provider.AddInterfaceAsync(key, ep2, join2, gateway: false, CancellationToken.None);
        using var restarted = new Cnm.Linux.Sandboxes.LinuxSandboxProvider(new Cnm.Linux.Sandboxes.LinuxSandboxOptions
        {
            ExecRoot = f.ExecRoot, HostNetnsPath = f.HostPath,
        });
        var sandbox = new Cnm.Core.Model.Sandbox
        {
            Id = Id1, Name = "s", Key = key, Options = new Cnm.Core.Model.SandboxCreateOptions { ContainerId = Id1 },
            EndpointIds = [ep1.Id, ep2.Id], GatewayEndpointId = ep1.Id,
        };

        await restarted.RestoreAsync(sandbox, CancellationToken.None);
        await restarted.RemoveInterfaceAsync(key, ep1, nextGateway: ep2, CancellationToken.None);

        Assert.NotNull(f.Host.FindLink("c1"));
        var sb = await f.SandboxClientAsync(key);
        Assert.Equal(sb.GetLink("eth1").Index, sb.GetRoutes(AddressFamily.InterNetwork).Single(r => r.IsDefault).OutputInterfaceIndex);
        Assert.Equal(new[] { key }, restarted.ListKeys());
    }

    [Fact]
    public async Task AddInterfaceAsync_ConcurrentJoins_SerialisedWithDistinctNames()
    {
        await using var f = await StartAsync();
        var key = await f.CreateSandboxAsync(Id1);
        var joins = Enumerable.Range(1, 4).Select(i =>
        {
            f.Host.CreateVeth($"h{i}", $"c{i}");
            var join = Join($"c{i}");
            return (Endpoint($"e{i}", $"172.3{i}.0.2/24", join: join), join);
        }).ToList();

        await Task.WhenAll(joins.Select(j => Task.Run(() => f.Provider.AddInterfaceAsync(key, j.Item1, j.join, gateway: false, CancellationToken.None))));

        var sb = await f.SandboxClientAsync(key);
        Assert.Equal(["eth0", "eth1", "eth2", "eth3", "lo"], sb.GetLinks().Select(l => l.Name).Order(StringComparer.Ordinal));
        Assert.Equal(joins.Select(j => $"cnm:{j.Item1.Id}:{j.join.SrcName}").Order(StringComparer.Ordinal),
            sb.GetLinks().Select(l => l.Alias).OfType<string>().Where(a => a.Length > 0).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task RestoreAsync_NamespaceFileNotMounted_NoError()
    {
        await using var f = await StartAsync();
        var key = Path.Combine(f.ExecRoot, "netns", Id2[..12]);
        Directory.CreateDirectory(Path.GetDirectoryName(key)!);
        await File.WriteAllTextAsync(key, ""); // what a crash between the file and the mount leaves

        await f.Provider.RestoreAsync(new Cnm.Core.Model.Sandbox
        {
            Id = Id2, Name = "s", Key = key, Options = new Cnm.Core.Model.SandboxCreateOptions { ContainerId = Id2 }, EndpointIds = ["x"],
        }, CancellationToken.None);
        await f.Provider.DeleteAsync(key, CancellationToken.None);

        Assert.False(File.Exists(key));
    }
}
