using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Cnm.Core.Errors;
using Cnm.Core.Net;
using Cnm.Linux.Namespaces;
using Cnm.Linux.Netlink;
using Cnm.Protocol;

namespace Cnm.Linux.Tests.Netlink;

/// <summary>The netlink client against the kernel, inside namespaces the test creates (root needed).</summary>
public sealed class NetlinkClientTests
{
    [Fact]
    public async Task CreateVeth_InNamespace_BothEndsListed()
    {
        await using var ns = new TestNamespaces();
        var nl = await ns.ClientAsync(await ns.CreateAsync("host"));

        nl.CreateVeth("va", "vb");

        var links = nl.GetLinks();
        Assert.Equal("veth", links.Single(l => l.Name == "va").Kind);
        Assert.Equal("veth", links.Single(l => l.Name == "vb").Kind);
        Assert.True(links.Single(l => l.Name == "lo").IsUp);
    }

    [Fact]
    public async Task CreateVeth_PeerInOtherNamespace_PeerOnlyThere()
    {
        await using var ns = new TestNamespaces();
        var host = await ns.ClientAsync(await ns.CreateAsync("host"));
        var otherPath = await ns.CreateAsync("other");
        var other = await ns.ClientAsync(otherPath);
        using var otherFd = NetworkNamespace.Open(otherPath);

        host.CreateVeth("vhost", "vpeer", otherFd);

        Assert.NotNull(host.FindLink("vhost"));
        Assert.Null(host.FindLink("vpeer"));
        Assert.NotNull(other.FindLink("vpeer"));
    }

    [Fact]
    public async Task SetAttributes_MacMtuUpRenameAlias_ReadBack()
    {
        await using var ns = new TestNamespaces();
        var nl = await ns.ClientAsync(await ns.CreateAsync("host"));
        nl.CreateVeth("va", "vb");
        var index = nl.GetLink("va").Index;
        var mac = PhysicalAddress.Parse("02-42-AC-11-00-02");

        nl.RenameLink(index, "renamed");
        nl.SetMacAddress(index, mac);
        nl.SetMtu(index, 1400);
        nl.SetAlias(index, "cnm test");
        nl.SetUp(index);

        var link = nl.GetLink("renamed");
        Assert.Equal(index, link.Index);
        Assert.Equal(mac, link.MacAddress);
        Assert.Equal(1400, link.Mtu);
        Assert.Equal("cnm test", link.Alias);
        Assert.True(link.IsUp);
        nl.SetUp(index, up: false);
        Assert.False(nl.GetLink("renamed").IsUp);
        Assert.Null(nl.FindLink("va"));
    }

    [Fact]
    public async Task Bridge_SetMasterAndFree_MasterIndexFollows()
    {
        await using var ns = new TestNamespaces();
        var nl = await ns.ClientAsync(await ns.CreateAsync("host"));
        nl.CreateBridge("br0");
        nl.CreateVeth("va", "vb");
        var bridge = nl.GetLink("br0");
        var va = nl.GetLink("va");

        nl.SetMaster(va.Index, bridge.Index);
        Assert.Equal("bridge", bridge.Kind);
        Assert.Equal(bridge.Index, nl.GetLink("va").MasterIndex);

        nl.SetMaster(va.Index, 0);
        Assert.Equal(0, nl.GetLink("va").MasterIndex);
    }

    [Fact]
    public async Task MacvlanAndVxlan_Create_KindsListed()
    {
        await using var ns = new TestNamespaces();
        var nl = await ns.ClientAsync(await ns.CreateAsync("host"));
        nl.CreateVeth("parent", "parentpeer");
        var parent = nl.GetLink("parent").Index;

        nl.CreateMacvlan("mv0", parent, MacvlanMode.Bridge);
        nl.CreateVxlan("vx0", new VxlanOptions(42) { ParentIndex = parent, Local = IPAddress.Parse("192.0.2.1") });

        Assert.Equal("macvlan", nl.GetLink("mv0").Kind);
        Assert.Equal(parent, nl.GetLink("mv0").LinkIndex);
        Assert.Equal("vxlan", nl.GetLink("vx0").Kind);
        nl.DeleteLink("vx0");
        nl.DeleteLink("mv0");
        Assert.Null(nl.FindLink("vx0"));
        Assert.Null(nl.FindLink("mv0"));
    }

    [Fact]
    public async Task MoveToNamespace_Link_LeavesAndArrives()
    {
        await using var ns = new TestNamespaces();
        var host = await ns.ClientAsync(await ns.CreateAsync("host"));
        var sbPath = await ns.CreateAsync("sb");
        var sb = await ns.ClientAsync(sbPath);
        host.CreateVeth("va", "vb");
        using var fd = NetworkNamespace.Open(sbPath);

        host.MoveToNamespace(host.GetLink("vb").Index, fd);

        Assert.Null(host.FindLink("vb"));
        Assert.Equal("veth", sb.GetLink("vb").Kind);
    }

    [Fact]
    public async Task Addresses_AddListDelete_V4AndV6()
    {
        await using var ns = new TestNamespaces();
        var nl = await ns.ClientAsync(await ns.CreateAsync("host"));
        nl.CreateVeth("va", "vb");
        var index = nl.GetLink("va").Index;
        var v4 = new IpPrefix(IPAddress.Parse("172.30.0.2"), 24);
        var v6 = new IpPrefix(IPAddress.Parse("2001:db8:1::2"), 64);

        nl.AddAddress(index, v4);
        nl.AddAddress(index, v6, noDad: true);

        Assert.Contains(new NetlinkAddress(index, v4), nl.GetAddresses(AddressFamily.InterNetwork, index));
        Assert.Contains(new NetlinkAddress(index, v6), nl.GetAddresses(AddressFamily.InterNetworkV6, index));
        var again = Assert.Throws<NetlinkException>(() => nl.AddAddress(index, v4));
        Assert.Equal(Errnos.EEXIST, again.Errno);
        nl.DeleteAddress(index, v4);
        nl.DeleteAddress(index, v6);
        Assert.DoesNotContain(nl.GetAddresses(AddressFamily.Unspecified, index), a => a.Prefix == v4 || a.Prefix == v6);
    }

    [Fact]
    public async Task Routes_DefaultConnectedNextHop_ListedAndDeleted()
    {
        await using var ns = new TestNamespaces();
        var nl = await ns.ClientAsync(await ns.CreateAsync("host"));
        nl.CreateVeth("va", "vb");
        var index = nl.GetLink("va").Index;
        nl.AddAddress(index, new IpPrefix(IPAddress.Parse("172.30.0.2"), 24));
        nl.AddAddress(index, new IpPrefix(IPAddress.Parse("2001:db8:1::2"), 64), noDad: true);
        nl.SetUp(index);
        nl.SetUp(nl.GetLink("vb").Index);
        var connected = NetlinkRoute.Connected(new IpPrefix(IPAddress.Parse("10.50.0.0"), 16), index);
        var viaHop = new NetlinkRoute(new IpPrefix(IPAddress.Parse("10.60.0.0"), 16)) { Gateway = IPAddress.Parse("172.30.0.9") };

        nl.AddRoute(NetlinkRoute.DefaultVia(IPAddress.Parse("172.30.0.1"), index));
        nl.AddRoute(NetlinkRoute.DefaultVia(IPAddress.Parse("2001:db8:1::1"), index));
        nl.AddRoute(connected);
        nl.AddRoute(viaHop);

        var v4 = nl.GetRoutes(AddressFamily.InterNetwork);
        Assert.Contains(v4, r => r.IsDefault && r.Gateway!.Equals(IPAddress.Parse("172.30.0.1")) && r.OutputInterfaceIndex == index);
        Assert.Contains(v4, r => r.Destination == connected.Destination && r.Scope == RouteScope.Link && r.Gateway is null);
        Assert.Contains(v4, r => r.Destination == viaHop.Destination && r.Gateway!.Equals(viaHop.Gateway) && r.OutputInterfaceIndex == index);
        Assert.Contains(nl.GetRoutes(AddressFamily.InterNetworkV6), r => r.IsDefault && r.Gateway!.Equals(IPAddress.Parse("2001:db8:1::1")));
        nl.DeleteRoute(viaHop);
        nl.DeleteRoute(connected);
        Assert.DoesNotContain(nl.GetRoutes(AddressFamily.InterNetwork), r => r.Destination == viaHop.Destination || r.Destination == connected.Destination);
    }

    [Fact]
    public async Task Errors_DuplicateMissingMulticastUnreachable_ErrnoAndCategory()
    {
        await using var ns = new TestNamespaces();
        var nl = await ns.ClientAsync(await ns.CreateAsync("host"));
        nl.CreateVeth("va", "vb");
        var index = nl.GetLink("va").Index;

        var duplicate = Assert.Throws<NetlinkException>(() => nl.CreateVeth("va", "vc"));
        var missing = Assert.Throws<NetlinkException>(() => nl.DeleteLink(999_999));
        var multicast = Assert.Throws<NetlinkException>(() => nl.SetMacAddress(index, PhysicalAddress.Parse("01-00-5E-00-00-01")));
        var unreachable = Assert.Throws<NetlinkException>(() => nl.AddRoute(NetlinkRoute.DefaultVia(IPAddress.Parse("203.0.113.1"))));
        var badName = Assert.Throws<CnmException>(() => nl.CreateBridge("way-too-long-name-x"));

        Assert.Equal((Errnos.EEXIST, ErrorCategory.Conflict), (duplicate.Errno, duplicate.Category));
        Assert.Contains("create veth va (peer vc)", duplicate.Message, StringComparison.Ordinal);
        Assert.Equal((Errnos.ENODEV, ErrorCategory.NotFound), (missing.Errno, missing.Category));
        Assert.Equal((Errnos.EADDRNOTAVAIL, ErrorCategory.InvalidParameter), (multicast.Errno, multicast.Category));
        Assert.Equal((Errnos.ENETUNREACH, ErrorCategory.InvalidParameter), (unreachable.Errno, unreachable.Category));
        Assert.Equal(ErrorCategory.InvalidParameter, badName.Category);
        Assert.Null(nl.FindLink("vc"));
    }

    [Fact]
    public async Task GetLinks_DumpSpanningManyDatagrams_EveryLinkOnce()
    {
        await using var ns = new TestNamespaces();
        var nl = await ns.ClientAsync(await ns.CreateAsync("host"));
        for (var i = 0; i < 150; i++)
        {
            nl.CreateVeth($"a{i}", $"b{i}");
            nl.AddAddress(nl.GetLink($"a{i}").Index, new IpPrefix(IPAddress.Parse($"10.{i}.0.1"), 24));
        }

        var links = nl.GetLinks();
        var addresses = nl.GetAddresses(AddressFamily.InterNetwork);

        Assert.Equal(301, links.Count);
        Assert.Equal(301, links.Select(l => l.Index).Distinct().Count());
        Assert.Equal(151, addresses.Count); // 150 + 127.0.0.1
        Assert.Equal(nl.GetLink("a149").Index, nl.FindLink(nl.GetLink("a149").Index)!.Index);
    }

    [Fact]
    public async Task Client_UsedFromManyThreads_RequestsDoNotMix()
    {
        await using var ns = new TestNamespaces();
        var nl = await ns.ClientAsync(await ns.CreateAsync("host"));

        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 10; i++)
            {
                nl.CreateBridge($"t{t}b{i}");
                Assert.Equal($"t{t}b{i}", nl.GetLink($"t{t}b{i}").Name);
                _ = nl.GetLinks();
            }
        })));

        Assert.Equal(81, nl.GetLinks().Count);
    }
}
