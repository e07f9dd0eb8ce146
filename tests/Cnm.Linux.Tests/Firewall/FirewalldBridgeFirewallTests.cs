using System.Diagnostics;
using Cnm.Linux.Firewall;
using Cnm.Linux.Firewall.Firewalld;
using Xunit.Abstractions;

namespace Cnm.Linux.Tests.Firewall;

/// <summary>
/// <see cref="FirewalldBridgeFirewall"/> (through <see cref="BridgeFirewallFactory"/>) against a real firewalld on a
/// private bus, confined to a namespace of the test.
/// </summary>
public sealed class FirewalldBridgeFirewallTests(ITestOutputHelper output)
{
    private const string IdA = "fa0000000000000000000000000000000000000000000000000000000000000a";

    [Fact]
    public async Task ApplyNetworkAsync_FirewalldRunning_BridgeInOurZoneUntilRemoved()
    {
        await using var f = await FirewalldFixture.StartAsync();
        var firewall = await BridgeFirewallFactory.CreateAsync(f.HostPath, f.BusAddress, null, CancellationToken.None);
        await using (firewall as IAsyncDisposable)
        {
            Assert.IsType<FirewalldBridgeFirewall>(firewall);
            Assert.True(File.Exists(Path.Combine(f.ConfigDir, "zones", "cnm.xml")), "zone cnm is created permanently");
            Assert.True(File.Exists(Path.Combine(f.ConfigDir, "policies", "cnm-forwarding.xml")), "policy cnm-forwarding is created permanently");

            await f.BusctlAsync("call", "org.fedoraproject.FirewallD1", "/org/fedoraproject/FirewallD1", "org.fedoraproject.FirewallD1.zone", "addInterface", "ss", "trusted", "br-fwa");
            Assert.Equal("trusted", await f.ZoneOfAsync("br-fwa"));

            await firewall.ApplyNetworkAsync(NftablesBridgeFirewallTests.Rules(IdA, "br-fwa", "172.30.0.0/24"), CancellationToken.None);

            Assert.Equal("cnm", await f.ZoneOfAsync("br-fwa")); // ZONE_ALREADY_SET: moved into ours
            Assert.Contains("\"br-fwa\"", await NftFixture.RunAsync(f.HostPath, "nft", "list", "table", "inet", "firewalld"));
            Assert.Contains("jump net-" + IdA, await NftFixture.RunAsync(f.HostPath, "nft", "list", "chain", "inet", "cnm", "forward"));
            await firewall.ApplyNetworkAsync(NftablesBridgeFirewallTests.Rules(IdA, "br-fwa", "172.30.0.0/24"), CancellationToken.None); // ALREADY_ENABLED: fine

            await firewall.RemoveNetworkAsync(IdA, CancellationToken.None);

            Assert.Equal("", await f.ZoneOfAsync("br-fwa"));
            Assert.DoesNotContain("\"br-fwa\"", await NftFixture.RunAsync(f.HostPath, "nft", "list", "table", "inet", "firewalld"));
            Assert.DoesNotContain("table inet cnm", await NftFixture.RunAsync(f.HostPath, "nft", "list", "tables"));
        }
    }

    [Fact]
    public async Task Reload_WipesRuntimeBindings_OursAreAppliedAgain()
    {
        await using var f = await FirewalldFixture.StartAsync();
        var firewall = (FirewalldBridgeFirewall)await BridgeFirewallFactory.CreateAsync(f.HostPath, f.BusAddress, null, CancellationToken.None);
        await using (firewall)
        {
            await firewall.ApplyNetworkAsync(NftablesBridgeFirewallTests.Rules(IdA, "br-fwr", "172.30.0.0/24"), CancellationToken.None);
            await f.BusctlAsync("call", "org.fedoraproject.FirewallD1", "/org/fedoraproject/FirewallD1", "org.fedoraproject.FirewallD1.zone", "addInterface", "ss", "cnm", "br-other");
            var before = firewall.Reapplies;

            await f.FirewallCmdAsync("--reload");
            var sinceReload = Stopwatch.StartNew();

            // Generous bound: the target is 1 s; the measured time goes to the output.
            await FirewalldFixture.PollAsync(async () => firewall.Reapplies > before && await f.ZoneOfAsync("br-fwr") == "cnm", "br-fwr back in zone cnm", seconds: 5);
            output.WriteLine($"re-applied {sinceReload.ElapsedMilliseconds} ms after firewall-cmd --reload returned");
            Assert.Equal("", await f.ZoneOfAsync("br-other")); // the reload did wipe runtime bindings: not ours, not re-applied
            Assert.Contains("\"br-fwr\"", await NftFixture.RunAsync(f.HostPath, "nft", "list", "table", "inet", "firewalld"));
            Assert.Contains("jump net-" + IdA, await NftFixture.RunAsync(f.HostPath, "nft", "list", "chain", "inet", "cnm", "forward"));
            await firewall.RemoveNetworkAsync(IdA, CancellationToken.None);
        }
    }

    [Fact]
    public async Task FirewalldRestart_RulesetReplaced_OursAreAppliedAgain()
    {
        await using var f = await FirewalldFixture.StartAsync();
        var firewall = (FirewalldBridgeFirewall)await BridgeFirewallFactory.CreateAsync(f.HostPath, f.BusAddress, null, CancellationToken.None);
        await using (firewall)
        {
            await firewall.ApplyNetworkAsync(NftablesBridgeFirewallTests.Rules(IdA, "br-fws", "172.30.0.0/24"), CancellationToken.None);
            await firewall.ApplyPortsAsync(IdA, "ep1", [new PortMapping("tcp", null, 8080, System.Net.IPAddress.Parse("172.30.0.2"), 80)], CancellationToken.None);
            await f.StopFirewalldAsync();
            var before = firewall.Reapplies;

            await f.StartFirewalldAsync();

            await FirewalldFixture.PollAsync(async () => firewall.Reapplies > before && await f.ZoneOfAsync("br-fws") == "cnm", "br-fws back in zone cnm", seconds: 30);
            Assert.Contains("dnat ip to 172.30.0.2:80", await NftFixture.RunAsync(f.HostPath, "nft", "list", "chain", "inet", "cnm", "dnat-" + IdA));
            await firewall.RemoveNetworkAsync(IdA, CancellationToken.None);
            Assert.DoesNotContain("table inet cnm", await NftFixture.RunAsync(f.HostPath, "nft", "list", "tables"));
        }
    }

    [Fact]
    public async Task CreateAsync_NoBus_NftablesOnly()
    {
        await using var ns = new TestNamespaces();
        var host = await ns.CreateAsync("host");
        var firewall = await BridgeFirewallFactory.CreateAsync(host, "unix:path=/nonexistent/cnm-test-bus.sock", null, CancellationToken.None);
        await using (firewall as IAsyncDisposable)
        {
            Assert.IsType<NftablesBridgeFirewall>(firewall);
        }
    }
}
