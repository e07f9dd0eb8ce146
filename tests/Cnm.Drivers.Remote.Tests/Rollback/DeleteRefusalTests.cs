using Cnm.Core.Errors;
using Cnm.Protocol;

namespace Cnm.Drivers.Remote.Tests.Rollback;

/// <summary>
/// A delete the plugin refuses: a normal delete fails and leaves everything as it was; a forced delete
/// succeeds locally (docs/decisions.md, "network delete order").
/// </summary>
public sealed class DeleteRefusalTests
{
    [Fact]
    public async Task DeleteNetwork_PluginRefuses_FailsAndLeavesEverythingAsItWas()
    {
        await using var h = await RemoteHarness.CreateAsync();
        var network = await h.PluginIpamNetworkAsync("n1");
        h.Plugin.FailMethod(PluginMethods.Network.DeleteNetwork);
        var before = h.FullSnapshot();
        h.Plugin.ClearCalls();

        var error = await Assert.ThrowsAsync<CnmException>(() => h.Controller.DeleteNetworkAsync(network.Id, force: false, CancellationToken.None));

        Assert.Contains("plugin \"rec\" NetworkDriver.DeleteNetwork", error.Message, StringComparison.Ordinal);
        Assert.Equal([PluginMethods.Network.DeleteNetwork], h.Plugin.Methods); // no IPAM release before the plugin agreed
        Assert.Equal(before, h.FullSnapshot());

        h.Plugin.ClearFaults();
        await h.Controller.DeleteNetworkAsync(network.Id, force: false, CancellationToken.None);
        Assert.Equal("", h.Plugin.Snapshot());
    }

    [Fact]
    public async Task DeleteNetwork_ForcedWhilePluginRefuses_RemovesItLocallyAndReleasesTheIpam()
    {
        await using var h = await RemoteHarness.CreateAsync();
        var network = await h.NetworkAsync("n1");
        h.Plugin.FailMethod(PluginMethods.Network.DeleteNetwork);

        await h.Controller.DeleteNetworkAsync(network.Id, force: true, CancellationToken.None);

        Assert.Equal("", h.Snapshot());
    }

    [Fact]
    public async Task DeleteEndpoint_PluginRefuses_FailsAndKeepsEndpointAndAddress()
    {
        await using var h = await RemoteHarness.CreateAsync();
        var network = await h.PluginIpamNetworkAsync("n1");
        var endpoint = await h.EndpointAsync(network, "e1");
        h.Plugin.FailMethod(PluginMethods.Network.DeleteEndpoint);
        var before = h.FullSnapshot();
        h.Plugin.ClearCalls();

        var error = await Assert.ThrowsAsync<CnmException>(() => h.Controller.DeleteEndpointAsync(endpoint.Id, force: false, CancellationToken.None));

        Assert.Contains("plugin \"rec\" NetworkDriver.DeleteEndpoint", error.Message, StringComparison.Ordinal);
        Assert.Equal([PluginMethods.Network.DeleteEndpoint], h.Plugin.Methods);
        Assert.Equal(before, h.FullSnapshot());
        h.AssertPluginAgrees();
    }

    [Fact]
    public async Task DeleteEndpoint_JoinedNotForced_FailsConflictWithoutCallingThePlugin()
    {
        await using var h = await RemoteHarness.CreateAsync();
        var network = await h.NetworkAsync("n1");
        var endpoint = await h.EndpointAsync(network, "e1");
        var sandbox = await h.SandboxAsync("c1");
        await h.Controller.JoinAsync(endpoint.Id, sandbox.Id, CancellationToken.None);
        h.Plugin.ClearCalls();

        var error = await Assert.ThrowsAsync<CnmException>(() => h.Controller.DeleteEndpointAsync(endpoint.Id, force: false, CancellationToken.None));

        Assert.Equal(ErrorCategory.Conflict, error.Category);
        Assert.Empty(h.Plugin.Calls);
    }

    [Fact]
    public async Task DeleteEndpoint_JoinedAndForced_LeavesThenDeletesThenReleases()
    {
        await using var h = await RemoteHarness.CreateAsync();
        var network = await h.PluginIpamNetworkAsync("n1");
        var endpoint = await h.EndpointAsync(network, "e1");
        var sandbox = await h.SandboxAsync("c1");
        await h.Controller.JoinAsync(endpoint.Id, sandbox.Id, CancellationToken.None);
        h.Plugin.ClearCalls();

        await h.Controller.DeleteEndpointAsync(endpoint.Id, force: true, CancellationToken.None);

        Assert.Equal(
        [
            PluginMethods.Network.RevokeExternalConnectivity, PluginMethods.Network.Leave,
            PluginMethods.Network.DeleteEndpoint, PluginMethods.Ipam.ReleaseAddress,
        ], h.Plugin.Methods);
        Assert.Empty(h.Controller.GetSandbox(sandbox.Id).EndpointIds);
        h.AssertPluginAgrees();
    }

    [Fact]
    public async Task DeleteNetwork_WithEndpoints_FailsForbiddenWithoutCallingThePlugin()
    {
        await using var h = await RemoteHarness.CreateAsync();
        var network = await h.NetworkAsync("n1");
        await h.EndpointAsync(network, "e1");
        h.Plugin.ClearCalls();

        var error = await Assert.ThrowsAsync<CnmException>(() => h.Controller.DeleteNetworkAsync(network.Id, force: false, CancellationToken.None));

        Assert.Equal(ErrorCategory.Forbidden, error.Category);
        Assert.Contains("e1", error.Message, StringComparison.Ordinal);
        Assert.Empty(h.Plugin.Calls);
    }
}
