using Cnm.Core.Errors;
using Cnm.Plugins.Registry;
using Cnm.Plugins.Watching;
using Cnm.Protocol;

namespace Cnm.Drivers.Remote.Tests.Lifecycle;

/// <summary>
/// A plugin that goes away stays registered and its calls fail as Unavailable; when it comes back it is
/// activated again (Activate, GetCapabilities) and the same networks work with no user action
/// (docs/decisions.md, "plugin restart").
/// </summary>
public sealed class PluginGoneAndBackTests
{
    private static readonly string[] Reactivation =
    [
        PluginMethods.Activate,
        PluginMethods.Network.GetCapabilities,
        PluginMethods.Ipam.GetCapabilities,
        PluginMethods.Ipam.GetDefaultAddressSpaces,
    ];

    private static void AssertGone(CnmException error)
    {
        Assert.Equal(ErrorCategory.Unavailable, error.Category);
        Assert.Contains("plugin \"rec\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("the plugin is gone", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateEndpoint_PluginMarkedGone_FailsUnavailableAndChangesNothing()
    {
        await using var h = await RemoteHarness.CreateAsync();
        var network = await h.NetworkAsync("n1");
        await h.Plugin.StopAsync();
        Assert.True(await h.Registry.MarkGoneAsync(RemoteHarness.PluginName, "socket removed", CancellationToken.None));
        var before = h.Snapshot();

        var error = await Assert.ThrowsAsync<CnmException>(() => h.EndpointAsync(network, "e1"));

        AssertGone(error);
        Assert.Contains("failed to create endpoint e1 on network n1", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, h.Snapshot()); // the default IPAM's address was given back
        Assert.Contains(RemoteHarness.PluginName, h.Controller.NetworkDrivers); // still registered
    }

    [Fact]
    public async Task Operations_PluginIpamMarkedGone_FailUnavailableNamingThePluginAndChangeNothing()
    {
        await using var h = await RemoteHarness.CreateAsync();
        var empty = await h.PluginIpamNetworkAsync("n0");
        var network = await h.PluginIpamNetworkAsync("n1");
        var endpoint = await h.EndpointAsync(network, "e1");
        var sandbox = await h.SandboxAsync("c1");
        await h.Plugin.StopAsync();
        Assert.True(await h.Registry.MarkGoneAsync(RemoteHarness.PluginName, "socket removed", CancellationToken.None));
        var before = h.Snapshot();

        var error = await Assert.ThrowsAsync<CnmException>(() => h.EndpointAsync(network, "e2"));
        AssertGone(error);
        Assert.StartsWith("endpoint e2: IPAM rec could not allocate an address on network n1: ", error.Message, StringComparison.Ordinal);
        AssertGone(await Assert.ThrowsAsync<CnmException>(() => h.PluginIpamNetworkAsync("n2")));
        AssertGone(await Assert.ThrowsAsync<CnmException>(() => h.Controller.JoinAsync(endpoint.Id, sandbox.Id, CancellationToken.None)));
        AssertGone(await Assert.ThrowsAsync<CnmException>(() => h.Controller.DeleteEndpointAsync(endpoint.Id, force: false, CancellationToken.None)));
        AssertGone(await Assert.ThrowsAsync<CnmException>(() => h.Controller.DeleteNetworkAsync(empty.Id, force: false, CancellationToken.None)));

        Assert.Equal(before, h.Snapshot());
    }

    [Fact]
    public async Task CreateEndpoint_PluginBackAndActivatedThroughRegistry_SameNetworkWorksAgain()
    {
        await using var h = await RemoteHarness.CreateAsync();
        var network = await h.PluginIpamNetworkAsync("n1");
        await h.Plugin.StopAsync();
        await h.Registry.MarkGoneAsync(RemoteHarness.PluginName, "socket removed", CancellationToken.None);
        await Assert.ThrowsAsync<CnmException>(() => h.EndpointAsync(network, "e1"));

        await h.Plugin.StartAsync();
        h.Plugin.ClearCalls();
        await h.Registry.GetAsync(RemoteHarness.PluginName, CancellationToken.None);
        var endpoint = await h.EndpointAsync(network, "e1");

        Assert.Equal([.. Reactivation, PluginMethods.Ipam.RequestAddress, PluginMethods.Network.CreateEndpoint], h.Plugin.Methods);
        Assert.Equal(network.Id, endpoint.NetworkId);
        Assert.Equal(2, h.Registry.Plugins.Single(p => p.Name == RemoteHarness.PluginName).Generation);
        h.AssertPluginAgrees();
    }

    [Fact]
    public async Task Watcher_SocketRemovedThenRecreated_CallsFailUnavailableThenWorkWithNoUserAction()
    {
        await using var h = await RemoteHarness.CreateAsync();
        using var watcher = new PluginWatcher(h.Registry, new PluginWatcherOptions
        {
            RescanInterval = TimeSpan.FromSeconds(2),
            ActivationRetryInitial = TimeSpan.FromMilliseconds(200),
            ActivationRetryMax = TimeSpan.FromSeconds(1),
        });
        await watcher.StartAsync(CancellationToken.None);
        try
        {
            // The watcher finds and activates the plugin by itself.
            await h.Plugin.WaitForCallsAsync(PluginMethods.Ipam.GetDefaultAddressSpaces);
            var network = await h.PluginIpamNetworkAsync("n1");
            var first = await h.EndpointAsync(network, "e1");

            await h.Plugin.StopAsync(); // removes the socket
            await Eventually.TrueAsync(() => State(h) == PluginState.Gone, "the watcher to report the plugin gone");
            var before = h.FullSnapshot();

            AssertGone(await Assert.ThrowsAsync<CnmException>(() => h.EndpointAsync(network, "e2")));
            Assert.Equal(before, h.FullSnapshot());

            h.Plugin.ClearCalls();
            await h.Plugin.StartAsync(); // a new socket at the same path
            await h.Plugin.WaitForCallsAsync(PluginMethods.Ipam.GetDefaultAddressSpaces);
            await Eventually.TrueAsync(() => State(h) == PluginState.Active, "the watcher to activate the plugin again");

            var second = await h.EndpointAsync(network, "e2");
            var sandbox = await h.SandboxAsync("c1");
            await h.Controller.JoinAsync(second.Id, sandbox.Id, CancellationToken.None);

            Assert.Equal(Reactivation, h.Plugin.Methods.Take(4));
            Assert.Equal(network.Id, second.NetworkId);
            Assert.NotEqual(first.Address, second.Address);
            h.AssertPluginAgrees();
        }
        finally
        {
            await watcher.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task ForcedDeletes_PluginGone_SucceedLocally()
    {
        await using var h = await RemoteHarness.CreateAsync();
        var network = await h.NetworkAsync("n1");
        var endpoint = await h.EndpointAsync(network, "e1");
        var sandbox = await h.SandboxAsync("c1");
        await h.Controller.JoinAsync(endpoint.Id, sandbox.Id, CancellationToken.None);
        await h.Plugin.StopAsync();
        await h.Registry.MarkGoneAsync(RemoteHarness.PluginName, "socket removed", CancellationToken.None);

        await h.Controller.DeleteEndpointAsync(endpoint.Id, force: true, CancellationToken.None);
        await h.Controller.DeleteNetworkAsync(network.Id, force: true, CancellationToken.None);
        await h.Controller.DeleteSandboxAsync(sandbox.Id, CancellationToken.None);

        Assert.Equal("", h.Snapshot());
    }

    private static PluginState? State(RemoteHarness h) =>
        h.Registry.Plugins.SingleOrDefault(p => p.Name == RemoteHarness.PluginName)?.State;
}
