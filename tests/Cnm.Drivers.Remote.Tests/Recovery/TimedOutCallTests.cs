using Cnm.Core.Errors;
using Cnm.Plugins.Client;
using Cnm.Protocol;
using Cnm.Testing;

namespace Cnm.Drivers.Remote.Tests.Recovery;

/// <summary>
/// Issue 10, "A call that timed out is never undone": a create, join or allocation whose call timed out may still be
/// carried out by the plugin, so its undo becomes a pending call and reaches the plugin once it answers again. Each
/// test holds the call past the 1 s call timeout, lets the plugin finish it, keeps the undo from getting through
/// (the connection is closed on it) until then, and checks that the plugin ends up holding nothing.
/// </summary>
public sealed class TimedOutCallTests
{
    private static readonly PluginClientOptions ShortTimeout = new() { CallTimeout = TimeSpan.FromSeconds(1) };

    private static async Task PluginGetsTheUndoAsync(RemoteHarness h, PluginStall stall, string undoMethod, Func<bool> pluginDidIt, Func<bool> undone)
    {
        Assert.Contains(h.Controller.OwedCalls, c => undoMethod.EndsWith("." + c.Method, StringComparison.Ordinal));
        stall.Release();
        await Eventually.TrueAsync(pluginDidIt, "the plugin to carry out the call that timed out");
        h.Plugin.ClearFaults(); // the undo gets through from now on
        await Eventually.TrueAsync(() => h.Controller.PendingCalls.Count == 0 && undone(), $"the plugin to get {undoMethod}", TimeSpan.FromSeconds(20));
        Assert.NotEmpty(h.Plugin.CallsTo(undoMethod));
    }

    [Fact]
    public async Task CreateNetwork_TimedOut_PluginGetsDeleteNetworkOnceItAnswers()
    {
        await using var h = await RemoteHarness.CreateAsync(clientOptions: ShortTimeout);
        var stall = h.Plugin.Stall(PluginMethods.Network.CreateNetwork, null, TimeSpan.FromSeconds(30));
        h.Plugin.Answer(PluginMethods.Network.DeleteNetwork, PluginReply.Closed());

        var error = await Assert.ThrowsAsync<CnmException>(() => h.NetworkAsync("n1"));

        Assert.Equal(ErrorCategory.Timeout, error.Category);
        Assert.Empty(h.Controller.Networks);
        var id = h.Plugin.CallsTo(PluginMethods.Network.CreateNetwork).Single().Text("NetworkID");
        await PluginGetsTheUndoAsync(h, stall, PluginMethods.Network.DeleteNetwork,
            () => h.Plugin.Networks.Contains(id), () => h.Plugin.Networks.Count == 0);
        Assert.Equal(id, h.Plugin.CallsTo(PluginMethods.Network.DeleteNetwork)[^1].Text("NetworkID"));
    }

    [Fact]
    public async Task CreateEndpoint_TimedOut_PluginGetsDeleteEndpointOnceItAnswers()
    {
        await using var h = await RemoteHarness.CreateAsync(clientOptions: ShortTimeout);
        var network = await h.NetworkAsync("n1");
        var stall = h.Plugin.Stall(PluginMethods.Network.CreateEndpoint, network.Id, TimeSpan.FromSeconds(30));
        h.Plugin.Answer(PluginMethods.Network.DeleteEndpoint, PluginReply.Closed());

        var error = await Assert.ThrowsAsync<CnmException>(() => h.EndpointAsync(network, "e1"));

        Assert.Equal(ErrorCategory.Timeout, error.Category);
        Assert.Empty(h.Controller.Endpoints);
        await PluginGetsTheUndoAsync(h, stall, PluginMethods.Network.DeleteEndpoint,
            () => h.Plugin.Endpoints.Count == 1, () => h.Plugin.Endpoints.Count == 0);
        h.AssertPluginAgrees();
    }

    [Fact]
    public async Task Join_TimedOut_PluginGetsLeaveOnceItAnswers()
    {
        await using var h = await RemoteHarness.CreateAsync(clientOptions: ShortTimeout);
        var network = await h.NetworkAsync("n1");
        var endpoint = await h.EndpointAsync(network, "e1");
        var sandbox = await h.SandboxAsync("c1");
        var stall = h.Plugin.Stall(PluginMethods.Network.Join, network.Id, TimeSpan.FromSeconds(30));
        h.Plugin.Answer(PluginMethods.Network.Leave, PluginReply.Closed());

        var error = await Assert.ThrowsAsync<CnmException>(() => h.Controller.JoinAsync(endpoint.Id, sandbox.Id, CancellationToken.None));

        Assert.Equal(ErrorCategory.Timeout, error.Category);
        Assert.Null(h.Controller.GetEndpoint(endpoint.Id).SandboxId);
        await PluginGetsTheUndoAsync(h, stall, PluginMethods.Network.Leave,
            () => h.Plugin.JoinedEndpoints.Count == 1, () => h.Plugin.JoinedEndpoints.Count == 0);
        h.AssertPluginAgrees();
    }

    [Fact]
    public async Task RequestAddress_TimedOut_PluginGetsReleaseAddressOnceItAnswers()
    {
        await using var h = await RemoteHarness.CreateAsync(clientOptions: ShortTimeout);
        var network = await h.PluginIpamNetworkAsync("n1");
        var held = h.Plugin.Addresses;
        var wanted = network.IPv4Pools[0].Pool.AddressAt(50).ToString();
        var stall = h.Plugin.Stall(PluginMethods.Ipam.RequestAddress, null, TimeSpan.FromSeconds(30));
        h.Plugin.Answer(PluginMethods.Ipam.ReleaseAddress, PluginReply.Closed());

        var error = await Assert.ThrowsAsync<CnmException>(() => h.EndpointAsync(network, "e1", ip: wanted));

        Assert.Equal(ErrorCategory.Timeout, error.Category);
        await PluginGetsTheUndoAsync(h, stall, PluginMethods.Ipam.ReleaseAddress,
            () => h.Plugin.Addresses.Contains(wanted), () => h.Plugin.Addresses.SequenceEqual(held));
        Assert.Empty(h.Plugin.Endpoints);
    }
}
