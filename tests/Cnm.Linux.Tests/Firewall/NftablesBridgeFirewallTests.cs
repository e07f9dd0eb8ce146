using System.Net;
using Cnm.Core.Errors;
using Cnm.Core.Net;
using Cnm.Linux.Firewall;
using Cnm.Protocol;

namespace Cnm.Linux.Tests.Firewall;

/// <summary>
/// <see cref="NftablesBridgeFirewall"/> against the kernel's nftables in a namespace of the test: what the rules are
/// (read back with the nft CLI), and that removal is exact.
/// </summary>
public sealed class NftablesBridgeFirewallTests
{
    private const string IdA = "a0000000000000000000000000000000000000000000000000000000000000aa";
    private const string IdB = "b0000000000000000000000000000000000000000000000000000000000000bb";
    private const string Ep1 = "e1000000000000000000000000000000000000000000000000000000000000e1";
    private const string Ep2 = "e2000000000000000000000000000000000000000000000000000000000000e2";

    internal static BridgeNetworkRules Rules(string id, string bridge, string subnet, bool icc = true, bool internalNet = false, IPAddress? hostBinding = null) =>
        new(id, bridge, [IpPrefix.Parse(subnet)], Masquerade: !internalNet, InterContainerConnectivity: icc, Internal: internalNet, hostBinding);

    [Fact]
    public async Task RemoveNetworkAsync_TwoNetworks_LeavesExactlyTheOther()
    {
        await using var f = await NftFixture.StartAsync();
        await f.Firewall.ApplyNetworkAsync(Rules(IdB, "br-b", "172.31.0.0/24"), CancellationToken.None);
        await f.Firewall.ApplyPortsAsync(IdB, Ep2, [new PortMapping("tcp", null, 9090, IPAddress.Parse("172.31.0.2"), 90)], CancellationToken.None);
        var onlyB = await f.ShapeAsync();

        await f.Firewall.ApplyNetworkAsync(Rules(IdA, "br-a", "172.30.0.0/24", icc: false), CancellationToken.None);
        await f.Firewall.ApplyPortsAsync(IdA, Ep1, [new PortMapping("tcp", null, 8080, IPAddress.Parse("172.30.0.2"), 80)], CancellationToken.None);
        Assert.NotEqual(onlyB, await f.ShapeAsync());
        Assert.Equal(new HashSet<string> { IdA, IdB }, await f.Firewall.ListNetworksAsync(CancellationToken.None));
        Assert.Equal(new HashSet<string> { Ep1 }, await f.Firewall.ListEndpointsAsync(IdA, CancellationToken.None));
        Assert.Equal(new HashSet<string> { Ep2 }, await f.Firewall.ListEndpointsAsync(IdB, CancellationToken.None));

        await f.Firewall.RemoveNetworkAsync(IdA, CancellationToken.None);

        Assert.Equal(onlyB, await f.ShapeAsync());
        Assert.Equal(new HashSet<string> { IdB }, await f.Firewall.ListNetworksAsync(CancellationToken.None));
        await f.Firewall.RemoveNetworkAsync(IdB, CancellationToken.None);
        await f.AssertCleanAsync();
        Assert.Empty(await f.Firewall.ListNetworksAsync(CancellationToken.None));
        await f.Firewall.RemoveNetworkAsync(IdB, CancellationToken.None); // nothing there: no error
    }

    [Fact]
    public async Task ApplyNetworkAsync_AppliedTwice_SameRulesOnce()
    {
        await using var f = await NftFixture.StartAsync();
        var rules = Rules(IdA, "br-a", "172.30.0.0/24");
        await f.Firewall.ApplyNetworkAsync(rules, CancellationToken.None);
        await f.Firewall.ApplyPortsAsync(IdA, Ep1, [new PortMapping("tcp", null, 8080, IPAddress.Parse("172.30.0.2"), 80)], CancellationToken.None);
        var once = await f.ShapeAsync();

        await f.Firewall.ApplyNetworkAsync(rules, CancellationToken.None);

        Assert.Equal(once, await f.ShapeAsync()); // the ports stay; nothing doubles
        await f.Firewall.RemoveNetworkAsync(IdA, CancellationToken.None);
        await f.AssertCleanAsync();
    }

    [Fact]
    public async Task ApplyNetworkAsync_Options_RulesForIsolationIccMasqueradeInternal()
    {
        await using var f = await NftFixture.StartAsync();
        await f.Firewall.ApplyNetworkAsync(Rules(IdA, "br-a", "172.30.0.0/24", icc: false), CancellationToken.None);
        await f.Firewall.ApplyNetworkAsync(Rules(IdB, "br-b", "172.31.0.0/24", internalNet: true), CancellationToken.None);

        using (var doc = await f.RulesetJsonAsync())
        {
            var chains = doc.RootElement.GetProperty("nftables").EnumerateArray()
                .Where(e => e.TryGetProperty("chain", out _)).Select(e => e.GetProperty("chain"))
                .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.TryGetProperty("hook", out var h) ? h.GetString() : null);
            Assert.Equal("forward", chains["forward"]);
            Assert.Equal("postrouting", chains["postrouting"]);
            Assert.Equal("prerouting", chains["prerouting"]);
            Assert.Equal("output", chains["output"]);
            Assert.Contains("net-" + IdA, chains.Keys);
            Assert.Contains("nat-" + IdA, chains.Keys);
            Assert.Contains("dnat-" + IdA, chains.Keys);
        }

        var forward = await f.ChainAsync("forward");
        Assert.Contains("ct state established,related accept", forward);
        Assert.Contains($"iifname \"br-a\" jump net-{IdA}", forward);
        Assert.Contains($"oifname \"br-a\" jump net-{IdA}", forward);
        var a = await f.ChainAsync("net-" + IdA);
        Assert.Contains("iifname \"br-a\" oifname \"br-a\" drop", a); // enable_icc=false
        Assert.Contains("oifname \"br-a\" ct status dnat accept", a); // published ports
        Assert.Contains("oifname \"br-a\" drop", a); // nothing else in: isolation from br-b and the outside
        Assert.DoesNotContain("iifname \"br-a\" drop", a); // out is allowed
        var b = await f.ChainAsync("net-" + IdB);
        Assert.Contains("iifname \"br-b\" oifname \"br-b\" accept", b);
        Assert.Contains("iifname \"br-b\" drop", b); // internal: no route out
        Assert.DoesNotContain("ct status dnat", b);
        var post = await f.ChainAsync("postrouting");
        Assert.Contains($"ip saddr 172.30.0.0/24 jump nat-{IdA}", post);
        Assert.DoesNotContain("172.31.0.0/24", post); // no masquerade for the internal network
        var nat = await f.ChainAsync("nat-" + IdA);
        Assert.Contains("meta nfproto ipv4 oifname != \"br-a\" masquerade", nat);
        Assert.Contains("oifname \"br-a\" ct status dnat masquerade", nat); // hairpin

        await f.Firewall.RemoveNetworkAsync(IdB, CancellationToken.None);
        await f.Firewall.RemoveNetworkAsync(IdA, CancellationToken.None);
        await f.AssertCleanAsync();
    }

    [Fact]
    public async Task ApplyPortsAsync_HostBindingAndReplace_DnatRulesFollow()
    {
        await using var f = await NftFixture.StartAsync();
        await f.Firewall.ApplyNetworkAsync(Rules(IdA, "br-a", "172.30.0.0/24", hostBinding: IPAddress.Parse("10.99.0.1")), CancellationToken.None);
        var ip = IPAddress.Parse("172.30.0.2");
        await f.Firewall.ApplyPortsAsync(IdA, Ep1, [new PortMapping("tcp", null, 8080, ip, 80), new PortMapping("udp", IPAddress.Parse("10.99.0.7"), 5353, ip, 53)], CancellationToken.None);

        var dnat = await f.ChainAsync("dnat-" + IdA);
        Assert.Contains("ip daddr 10.99.0.1 tcp dport 8080 dnat ip to 172.30.0.2:80", dnat); // host_binding_ipv4 as the default
        Assert.Contains("ip daddr 10.99.0.7 udp dport 5353 dnat ip to 172.30.0.2:53", dnat);
        Assert.Contains("fib daddr type local jump dnat-" + IdA, await f.ChainAsync("prerouting"));
        Assert.Contains("fib daddr type local ip daddr != 127.0.0.0/8 jump dnat-" + IdA, await f.ChainAsync("output"));
        Assert.Contains("fib daddr type local ip6 daddr != ::1 jump dnat-" + IdA, await f.ChainAsync("output"));

        await f.Firewall.ApplyPortsAsync(IdA, Ep1, [new PortMapping("tcp", IPAddress.Any, 8081, ip, 80)], CancellationToken.None);
        dnat = await f.ChainAsync("dnat-" + IdA);
        Assert.DoesNotContain("8080", dnat);
        Assert.DoesNotContain("5353", dnat);
        Assert.Contains("meta nfproto ipv4 tcp dport 8081 dnat ip to 172.30.0.2:80", dnat); // 0.0.0.0: every address

        await f.Firewall.RemovePortsAsync(IdA, Ep1, CancellationToken.None);
        Assert.DoesNotContain("dnat ip to", await f.ChainAsync("dnat-" + IdA));
        Assert.Empty(await f.Firewall.ListEndpointsAsync(IdA, CancellationToken.None));
        await f.Firewall.RemovePortsAsync(IdA, Ep1, CancellationToken.None); // none: no error
        await f.Firewall.RemoveNetworkAsync(IdA, CancellationToken.None);
        await f.AssertCleanAsync();
    }

    [Fact]
    public async Task ListPortsAsync_AfterRestart_EachEndpointsHostPortsFromTheRules()
    {
        await using var f = await NftFixture.StartAsync();
        await f.Firewall.ApplyNetworkAsync(Rules(IdA, "br-a", "172.30.0.0/24"), CancellationToken.None);
        await f.Firewall.ApplyNetworkAsync(Rules(IdB, "br-b", "172.31.0.0/24"), CancellationToken.None);
        await f.Firewall.ApplyPortsAsync(IdA, Ep1, [new PortMapping("tcp", null, 8080, IPAddress.Parse("172.30.0.2"), 80),
            new PortMapping("udp", IPAddress.Parse("10.99.0.7"), 5353, IPAddress.Parse("172.30.0.2"), 53)], CancellationToken.None);
        await f.Firewall.ApplyPortsAsync(IdA, Ep2, [new PortMapping("tcp", null, 8081, IPAddress.Parse("172.30.0.3"), 80)], CancellationToken.None);
        await f.Firewall.ApplyPortsAsync(IdB, Ep2, [], CancellationToken.None);

        await using var restarted = NftablesBridgeFirewall.Create(f.HostPath); // what restore reads: the kernel's rules, not memory
        var ports = await restarted.ListPortsAsync(IdA, CancellationToken.None);

        Assert.Equal(
            [new PublishedHostPort(Ep1, "tcp", 8080, null), new PublishedHostPort(Ep1, "udp", 5353, IPAddress.Parse("10.99.0.7")), new PublishedHostPort(Ep2, "tcp", 8081, null)],
            ports.OrderBy(p => p.EndpointId, StringComparer.Ordinal).ThenBy(p => p.Protocol, StringComparer.Ordinal));
        Assert.Empty(await restarted.ListPortsAsync(IdB, CancellationToken.None));
        await restarted.RemoveNetworkAsync(IdA, CancellationToken.None);
        await restarted.RemoveNetworkAsync(IdB, CancellationToken.None);
        await f.AssertCleanAsync();
    }

    [Fact]
    public async Task ApplyNetworkAsync_DualStack_Ipv6PortsAndHairpinNoIpv6Masquerade()
    {
        await using var f = await NftFixture.StartAsync();
        var rules = new BridgeNetworkRules(IdA, "br-a", [IpPrefix.Parse("172.30.0.0/24"), IpPrefix.Parse("fd00:30::/64")], true, true, false, null);
        await f.Firewall.ApplyNetworkAsync(rules, CancellationToken.None);
        await f.Firewall.ApplyPortsAsync(IdA, Ep1, [new PortMapping("tcp", null, 8080, IPAddress.Parse("fd00:30::2"), 80)], CancellationToken.None);

        Assert.Contains($"ip6 saddr fd00:30::/64 jump nat-{IdA}", await f.ChainAsync("postrouting"));
        Assert.Contains("meta nfproto ipv6 tcp dport 8080 dnat ip6 to [fd00:30::2]:80", await f.ChainAsync("dnat-" + IdA));
        var mixed = await Assert.ThrowsAsync<CnmException>(() => f.Firewall.ApplyPortsAsync(IdA, Ep2,
            [new PortMapping("tcp", IPAddress.Parse("10.99.0.1"), 8081, IPAddress.Parse("fd00:30::3"), 80)], CancellationToken.None));
        Assert.Equal(ErrorCategory.InvalidParameter, mixed.Category);
        await f.Firewall.RemoveNetworkAsync(IdA, CancellationToken.None);
        await f.AssertCleanAsync();
    }

    [Fact]
    public async Task ApplyPortsAsync_HostPortTaken_ConflictAndNothingChanged()
    {
        await using var f = await NftFixture.StartAsync();
        await f.Firewall.ApplyNetworkAsync(Rules(IdA, "br-a", "172.30.0.0/24"), CancellationToken.None);
        await f.Firewall.ApplyNetworkAsync(Rules(IdB, "br-b", "172.31.0.0/24"), CancellationToken.None);
        await f.Firewall.ApplyPortsAsync(IdA, Ep1, [new PortMapping("tcp", IPAddress.Parse("10.99.0.1"), 8080, IPAddress.Parse("172.30.0.2"), 80)], CancellationToken.None);
        var before = await f.ShapeAsync();

        var error = await Assert.ThrowsAsync<CnmException>(() => f.Firewall.ApplyPortsAsync(IdB, Ep2,
            [new PortMapping("udp", null, 8080, IPAddress.Parse("172.31.0.2"), 80), new PortMapping("tcp", null, 8080, IPAddress.Parse("172.31.0.2"), 80)], CancellationToken.None));

        Assert.Equal(ErrorCategory.Conflict, error.Category);
        Assert.Contains("tcp/8080", error.Message);
        Assert.Contains(Ep1, error.Message);
        Assert.Equal(before, await f.ShapeAsync()); // not even the udp port went in
        await f.Firewall.ApplyPortsAsync(IdB, Ep2, [new PortMapping("tcp", IPAddress.Parse("10.99.0.2"), 8080, IPAddress.Parse("172.31.0.2"), 80)], CancellationToken.None);
        await f.Firewall.RemoveNetworkAsync(IdA, CancellationToken.None);
        await f.Firewall.RemoveNetworkAsync(IdB, CancellationToken.None);
        await f.AssertCleanAsync();
    }

    [Fact]
    public async Task ApplyPortsAsync_BadInput_ClearErrors()
    {
        await using var f = await NftFixture.StartAsync();
        var ip = IPAddress.Parse("172.30.0.2");
        var missing = await Assert.ThrowsAsync<CnmException>(() => f.Firewall.ApplyPortsAsync(IdA, Ep1, [new PortMapping("tcp", null, 8080, ip, 80)], CancellationToken.None));
        Assert.Equal(ErrorCategory.NotFound, missing.Category);
        Assert.Contains(IdA, missing.Message);

        await f.Firewall.ApplyNetworkAsync(Rules(IdA, "br-a", "172.30.0.0/24"), CancellationToken.None);
        var proto = await Assert.ThrowsAsync<CnmException>(() => f.Firewall.ApplyPortsAsync(IdA, Ep1, [new PortMapping("icmp", null, 8080, ip, 80)], CancellationToken.None));
        Assert.Equal(ErrorCategory.InvalidParameter, proto.Category);
        var port = await Assert.ThrowsAsync<CnmException>(() => f.Firewall.ApplyPortsAsync(IdA, Ep1, [new PortMapping("tcp", null, 70000, ip, 80)], CancellationToken.None));
        Assert.Equal(ErrorCategory.InvalidParameter, port.Category);
        var id = await Assert.ThrowsAsync<CnmException>(() => f.Firewall.ApplyNetworkAsync(Rules("x\"; drop", "br-x", "172.29.0.0/24"), CancellationToken.None));
        Assert.Equal(ErrorCategory.InvalidParameter, id.Category);
        var bridge = await Assert.ThrowsAsync<CnmException>(() => f.Firewall.ApplyNetworkAsync(Rules(IdB, "a-bridge-name-too-long", "172.29.0.0/24"), CancellationToken.None));
        Assert.Equal(ErrorCategory.InvalidParameter, bridge.Category);
        Assert.Equal(new HashSet<string> { IdA }, await f.Firewall.ListNetworksAsync(CancellationToken.None));
        await f.Firewall.RemoveNetworkAsync(IdA, CancellationToken.None);
        await f.AssertCleanAsync();
    }

    [Fact]
    public async Task ListNetworksAsync_NewInstanceAfterRestart_SeesAndRemovesWhatTheOldOneMade()
    {
        await using var f = await NftFixture.StartAsync();
        await f.Firewall.ApplyNetworkAsync(Rules(IdA, "br-a", "172.30.0.0/24"), CancellationToken.None);
        await f.Firewall.ApplyNetworkAsync(Rules(IdB, "br-b", "172.31.0.0/24"), CancellationToken.None);
        await f.Firewall.ApplyPortsAsync(IdB, Ep2, [new PortMapping("tcp", null, 9090, IPAddress.Parse("172.31.0.2"), 90)], CancellationToken.None);
        f.Firewall.Dispose(); // as a crash of cnmd: the rules stay in the kernel

        using var restarted = NftablesBridgeFirewall.Create(f.HostPath);

        Assert.Equal(new HashSet<string> { IdA, IdB }, await restarted.ListNetworksAsync(CancellationToken.None));
        Assert.Equal(new HashSet<string> { Ep2 }, await restarted.ListEndpointsAsync(IdB, CancellationToken.None));
        await restarted.RemovePortsAsync(IdB, Ep2, CancellationToken.None); // an endpoint the state does not know
        await restarted.RemoveNetworkAsync(IdA, CancellationToken.None); // a network the state does not know
        Assert.Equal(new HashSet<string> { IdB }, await restarted.ListNetworksAsync(CancellationToken.None));
        Assert.DoesNotContain("dnat ip to", await f.ChainAsync("dnat-" + IdB));
        await restarted.RemoveNetworkAsync(IdB, CancellationToken.None);
        await f.AssertCleanAsync();
    }

    [Fact]
    public void Create_LibraryMissing_UnavailableNamingThePackage()
    {
        var error = Assert.Throws<NftablesException>(() => NftablesBridgeFirewall.Create(null, new NftablesFirewallOptions { LibraryName = "libnftables-cnm-missing.so.1" }));

        Assert.Equal(ErrorCategory.Unavailable, error.Category);
        Assert.Contains("libnftables-cnm-missing.so.1 not found", error.Message);
        Assert.Contains("install libnftables1", error.Message);
    }
}
