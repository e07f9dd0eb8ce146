using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using Cnm.Linux.Namespaces;

namespace Cnm.Daemon.Tests.Linux;

/// <summary>
/// Issue 12's bad-input list, through the real docker CLI against cnmd with its real nftables firewall in the test's
/// host namespace: each error names the thing and the reason, and nothing is left half-made: no network in the list,
/// no link of ours, nothing in nftables (no table <c>inet cnm</c>, or no rule of the refused object), and the subnet's
/// pool free again (a good network on the same subnet is made at once). Needs root; links checked again on dispose.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class BridgeBadInputTests
{
    [Fact]
    public async Task NetworkCreate_BridgeNameOfAForeignInterface_ConflictAndTheInterfaceUntouched()
    {
        await using var e2e = await LinuxDaemon.StartAsync();
        await e2e.GuardAsync(async () =>
        {
            e2e.Host.CreateBridge("foreignbr0");
            var before = e2e.Host.GetLink("foreignbr0");

            var result = await e2e.Docker.RunAsync("network", "create", "--subnet", "10.111.0.0/24", "-o", "com.docker.network.bridge.name=foreignbr0", "bad");

            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains("an interface named foreignbr0 exists already (bridge, not made by Cnm)", result.Stderr, StringComparison.Ordinal);
            var after = e2e.Host.GetLink("foreignbr0");
            Assert.Equal((before.Index, before.Alias, before.IsUp), (after.Index, after.Alias, after.IsUp));
            Assert.Empty(e2e.Host.GetAddresses(AddressFamily.InterNetwork, after.Index));
            e2e.Host.DeleteLink("foreignbr0");
            await AssertNothingLeftAsync(e2e, "10.111.0.0/24");
        });
    }

    [Fact]
    public async Task NetworkCreate_MacvlanParentMissing_NotFoundNamingTheParent()
    {
        await using var e2e = await LinuxDaemon.StartAsync();
        await e2e.GuardAsync(async () =>
        {

            var result = await e2e.Docker.RunAsync("network", "create", "-d", "macvlan", "-o", "parent=nosuchpar0", "--subnet", "10.112.0.0/24", "bad");

            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains("the parent interface nosuchpar0 (option parent) does not exist in the host namespace", result.Stderr, StringComparison.Ordinal);
            await AssertNothingLeftAsync(e2e, "10.112.0.0/24");
        });
    }

    [Fact]
    public async Task NetworkCreate_EnableIccMaybe_InvalidValueNamingTheOption()
    {
        await using var e2e = await LinuxDaemon.StartAsync();
        await e2e.GuardAsync(async () =>
        {

            var result = await e2e.Docker.RunAsync("network", "create", "--subnet", "10.113.0.0/24", "-o", "com.docker.network.bridge.enable_icc=maybe", "bad");

            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains("invalid value \"maybe\" for option com.docker.network.bridge.enable_icc: it must be true or false", result.Stderr, StringComparison.Ordinal);
            await AssertNothingLeftAsync(e2e, "10.113.0.0/24");
        });
    }

    [Fact]
    public async Task NetworkCreate_LibnftablesMissing_UnavailableNamingTheLibraryAndPackage()
    {
        await using var e2e = await LinuxDaemon.StartAsync(environment: new Dictionary<string, string> { ["CNM_NFTABLES_LIBRARY"] = "libnftables-cnm-missing.so.1" });
        await e2e.GuardAsync(async () =>
        {

            var result = await e2e.Docker.RunAsync("network", "create", "--subnet", "10.114.0.0/24", "bad");

            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains("bridge networks need cnmd's firewall (nftables), and this cnmd has none", result.Stderr, StringComparison.Ordinal);
            Assert.Contains("libnftables-cnm-missing.so.1 not found: install libnftables1", result.Stderr, StringComparison.Ordinal);
            Assert.Empty(e2e.HostLinks());
            Assert.Empty((await HostRuleset.ReadAsync(e2e.HostNs)).Tables);
            Assert.DoesNotContain("bad", (await e2e.Docker.RunAsync("network", "ls", "--format", "{{.Name}}")).Stdout, StringComparison.Ordinal);

            // Drivers that need no firewall still work: a macvlan network on the same subnet is made.
            await e2e.RunDockerAsync("network", "create", "-d", "macvlan", "--subnet", "10.114.0.0/24", "good");
            await e2e.RunDockerAsync("network", "rm", "good");
            await e2e.StopDaemonAsync();
        });
    }

    [Fact]
    public async Task Connect_PublishedHostPortTaken_ConflictAndNoVethRuleOrHeldPortLeft()
    {
        await using var e2e = await LinuxDaemon.StartAsync();
        await e2e.GuardAsync(async () =>
        {
            await e2e.RunDockerAsync("network", "create", "--subnet", "10.115.0.0/24", "taken");
            var rulesBefore = (await HostRuleset.ReadAsync(e2e.HostNs)).Rules;
            using var holder = await BridgeEndToEndTests.HoldHostPortAsync(e2e);
            var port = ((IPEndPoint)holder.LocalEndPoint!).Port;
            var (id, _) = await BridgeEndToEndTests.SandboxWithPortAsync(e2e, "takenbox", port.ToString(System.Globalization.CultureInfo.InvariantCulture));

            var result = await e2e.Docker.RunAsync("network", "connect", "taken", "takenbox");

            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains($"cannot publish {port}->80/tcp: host port tcp 0.0.0.0:{port} is already in use", result.Stderr, StringComparison.Ordinal);
            var network = (await e2e.Docker.RunAsync("network", "inspect", "-f", "{{.Id}}", "taken")).Stdout.Trim();
            Assert.Equal(["br-" + network[..12]], e2e.HostLinks()); // the endpoint's veth went with the rollback
            Assert.Equal(rulesBefore, (await HostRuleset.ReadAsync(e2e.HostNs)).Rules); // no DNAT rule, nothing else changed
            using (var response = await e2e.Http.GetAsync("/cnm/v1/endpoints"))
            {
                Assert.Empty((await NativeEndpointTests.ReadAsync(response, HttpStatusCode.OK)).EnumerateArray());
            }

            holder.Dispose();
            Assert.Equal(SocketError.Success, await BridgeEndToEndTests.TryBindAsync(e2e.HostNs, port)); // cnmd holds nothing of it
            await BridgeEndToEndTests.DeleteSandboxesAsync(e2e, id);
            await e2e.RunDockerAsync("network", "rm", "taken");
            await AssertNothingLeftAsync(e2e, "10.115.0.0/24");
        });
    }

    /// <summary>No network "bad", no link, no nftables table; then a good bridge network on the same subnet is made and removed.</summary>
    private static async Task AssertNothingLeftAsync(LinuxDaemon e2e, string subnet)
    {
        Assert.DoesNotContain("bad", (await e2e.Docker.RunAsync("network", "ls", "--format", "{{.Name}}")).Stdout, StringComparison.Ordinal);
        Assert.Empty(e2e.HostLinks());
        Assert.Empty((await HostRuleset.ReadAsync(e2e.HostNs)).Tables);
        await e2e.RunDockerAsync("network", "create", "--subnet", subnet, "good");
        await e2e.RunDockerAsync("network", "rm", "good");
        Assert.Empty(e2e.HostLinks());
        Assert.Empty((await HostRuleset.ReadAsync(e2e.HostNs)).Tables);
        await e2e.StopDaemonAsync();
    }
}
