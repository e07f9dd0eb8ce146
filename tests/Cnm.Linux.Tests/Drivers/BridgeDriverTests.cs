using System.Net;
using System.Text.Json;
using Cnm.Core.Drivers;
using Cnm.Core.Errors;
using Cnm.Core.Net;
using Cnm.Linux.Drivers;
using Cnm.Linux.Drivers.Bridge;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cnm.Linux.Tests.Drivers;

/// <summary>
/// The bridge driver against a host namespace the test makes and a recording firewall: a failing firewall leaves no
/// bridge behind, no firewall refuses the network, and restore makes a missing bridge and veth again and removes ours
/// that the state does not know, leaving foreign links alone. Needs root.
/// </summary>
public sealed class BridgeDriverTests
{
    private static readonly string NetworkId = new('a', 64);
    private static readonly string EndpointId = new('b', 64);

    [Fact]
    public async Task CreateNetwork_FirewallFails_BridgeAndRulesRemoved()
    {
        await using var namespaces = new TestNamespaces();
        var (host, links) = await HostAsync(namespaces);
        using var hostLifetime = host;
        var firewall = new RecordingFirewall { FailOn = nameof(RecordingFirewall.ApplyNetworkAsync) };
        using var driver = new BridgeDriver(host, firewall, "", NullLogger.Instance);
        var error = await Assert.ThrowsAsync<CnmException>(() => driver.CreateNetworkAsync(Args(), CancellationToken.None));
        Assert.Contains("ApplyNetworkAsync failed", error.Message, StringComparison.Ordinal);
        Assert.Equal(["lo"], links.GetLinks().Select(l => l.Name));
        Assert.Equal([$"ApplyNetworkAsync {NetworkId}", $"RemoveNetworkAsync {NetworkId}"], firewall.Calls);
    }

    [Fact]
    public async Task CreateNetwork_NoFirewall_UnavailableWithTheReasonAndNothingMade()
    {
        await using var namespaces = new TestNamespaces();
        var (host, links) = await HostAsync(namespaces);
        using var hostLifetime = host;
        using var driver = new BridgeDriver(host, null, "no firewall here (test)", NullLogger.Instance);
        var error = await Assert.ThrowsAsync<CnmException>(() => driver.CreateNetworkAsync(Args(), CancellationToken.None));
        Assert.Equal(Cnm.Protocol.ErrorCategory.Unavailable, error.Category);
        Assert.Contains("no firewall here (test)", error.Message, StringComparison.Ordinal);
        Assert.Equal(["lo"], links.GetLinks().Select(l => l.Name));
    }

    [Fact]
    public async Task Restore_MissingBridgeAndVethMadeAgain_StrayOnesRemoved_ForeignLeftAlone()
    {
        await using var namespaces = new TestNamespaces();
        var (host, links) = await HostAsync(namespaces);
        using var hostLifetime = host;
        var firewall = new RecordingFirewall();
        using (var before = new BridgeDriver(host, firewall, "", NullLogger.Instance))
        {
            await before.CreateNetworkAsync(Args(), CancellationToken.None);
            await before.CreateNetworkAsync(Args(new string('c', 64)), CancellationToken.None); // the state will not know it
        }

        links.DeleteLink("br-aaaaaaaaaaaa"); // the kernel lost the known one
        links.CreateBridge("foreign0");
        firewall.Calls.Clear();

        using var after = new BridgeDriver(host, firewall, "", NullLogger.Instance);
        var gateway = IpPrefix.Parse("10.77.0.1/24");
        await after.RestoreAsync([new RestoredNetwork(NetworkId, new Dictionary<string, string>(), false, [gateway], [IpPrefix.Parse("10.77.0.0/24")])],
            [new RestoredEndpoint(EndpointId, NetworkId, IpPrefix.Parse("10.77.0.2/24"), null, null, Joined: false)], CancellationToken.None);

        Assert.Equal(["br-aaaaaaaaaaaa", "foreign0", "lo", "vcnmbbbbbbbbbbb", "vethbbbbbbbbbbb"], links.GetLinks().Select(l => l.Name).Order(StringComparer.Ordinal));
        var bridge = links.GetLink("br-aaaaaaaaaaaa");
        Assert.Contains(links.GetAddresses(System.Net.Sockets.AddressFamily.InterNetwork, bridge.Index), a => a.Prefix == gateway);
        Assert.Equal(bridge.Index, links.GetLink("vethbbbbbbbbbbb").MasterIndex);
        Assert.Contains($"RemoveNetworkAsync {new string('c', 64)}", firewall.Calls);
        Assert.Equal([NetworkId], firewall.Networks);

        await after.DeleteEndpointAsync(NetworkId, EndpointId, CancellationToken.None);
        await after.DeleteNetworkAsync(NetworkId, CancellationToken.None);
        links.DeleteLink("foreign0");
        Assert.Equal(["lo"], links.GetLinks().Select(l => l.Name));
    }

    private static async Task<(HostNetwork Host, Cnm.Linux.Netlink.NetlinkClient Links)> HostAsync(TestNamespaces namespaces)
    {
        var path = await namespaces.CreateAsync("host");
        return (await HostNetwork.OpenAsync(path, CancellationToken.None), await namespaces.ClientAsync(path));
    }

    private static CreateNetworkArgs Args(string? id = null) =>
        new(id ?? NetworkId, new Dictionary<string, JsonElement>(),
            [new IpamPoolData("local", IpPrefix.Parse("10.77.0.0/24"), IpPrefix.Parse("10.77.0.1/24"), null)], []);
}
