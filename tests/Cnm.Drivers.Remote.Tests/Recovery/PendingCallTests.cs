using Cnm.Core.Model;
using Cnm.Plugins.Registry;
using Cnm.Plugins.Watching;
using Cnm.Protocol;

namespace Cnm.Drivers.Remote.Tests.Recovery;

/// <summary>
/// Issue 5: "A plugin that was down during a forced delete gets its DeleteEndpoint and DeleteNetwork once it is
/// back." The calls that could not be delivered are kept as pending calls (in the store too), survive a restart,
/// and reach the plugin, in order, once the watcher has activated it again; nothing is left over anywhere.
/// </summary>
public sealed class PendingCallTests
{
    private static readonly string[] OwedToThePlugin =
    [
        PluginMethods.Network.DeleteEndpoint, PluginMethods.Ipam.ReleaseAddress,
        PluginMethods.Network.DeleteNetwork, PluginMethods.Ipam.ReleaseAddress, PluginMethods.Ipam.ReleasePool,
    ];

    private static PluginWatcher Watcher(RemoteHarness h) => new(h.Registry, new PluginWatcherOptions
    {
        RescanInterval = TimeSpan.FromSeconds(2),
        ActivationRetryInitial = TimeSpan.FromMilliseconds(200),
        ActivationRetryMax = TimeSpan.FromSeconds(1),
    });

    /// <summary>Runs <paramref name="body"/> with a plugin watcher on the harness's registry, as cnmd runs one.</summary>
    private static async Task WithWatcherAsync(RemoteHarness h, Func<Task> body)
    {
        using var watcher = Watcher(h);
        await watcher.StartAsync(CancellationToken.None);
        try
        {
            await body();
        }
        finally
        {
            await watcher.StopAsync(CancellationToken.None);
        }
    }

    private static async Task<(Network Network, Endpoint Endpoint)> NetworkAndEndpointAsync(RemoteHarness h)
    {
        await h.Plugin.WaitForCallsAsync(PluginMethods.Ipam.GetDefaultAddressSpaces);
        var network = await h.PluginIpamNetworkAsync("n1");
        return (network, await h.EndpointAsync(network, "e1"));
    }

    private static async Task StopPluginAsync(RemoteHarness h)
    {
        await h.Plugin.StopAsync(); // removes the socket
        await Eventually.TrueAsync(() => h.Registry.Plugins.SingleOrDefault(p => p.Name == RemoteHarness.PluginName)?.State == PluginState.Gone,
            "the watcher to report the plugin gone");
    }

    /// <summary>Starts the plugin again and checks that it gets the owed calls, in order, and then holds nothing.</summary>
    private static async Task PluginBackGetsWhatItIsOwedAsync(RemoteHarness h)
    {
        h.Plugin.ClearCalls();
        await h.Plugin.StartAsync();
        await h.WaitForNoPendingCallsAsync();

        Assert.Equal(OwedToThePlugin, h.Plugin.Methods.Where(m => !m.Contains("Capabilities", StringComparison.Ordinal)
            && m is not (PluginMethods.Activate or PluginMethods.Ipam.GetDefaultAddressSpaces)));
        Assert.Equal("", h.Plugin.Snapshot());
        Assert.Empty(await PendingKeysAsync(h));
    }

    private static async Task<IReadOnlyList<string>> PendingKeysAsync(RemoteHarness h) =>
        [.. (await h.Store.ListAsync("cnm/v1/pending/", CancellationToken.None)).Entries.Select(e => e.Key)];

    [Fact]
    public async Task ForcedDeletes_PluginDown_DeliveredInOrderOnceItIsBack()
    {
        await using var h = await RemoteHarness.CreateAsync();
        await WithWatcherAsync(h, async () =>
        {
            var (network, endpoint) = await NetworkAndEndpointAsync(h);
            await StopPluginAsync(h);

            await h.Controller.DeleteEndpointAsync(endpoint.Id, force: true, CancellationToken.None);
            await h.Controller.DeleteNetworkAsync(network.Id, force: true, CancellationToken.None);

            Assert.Empty(h.Controller.Networks);
            Assert.Equal(5, h.Controller.PendingCalls.Count);
            Assert.Equal(5, (await PendingKeysAsync(h)).Count);
            await PluginBackGetsWhatItIsOwedAsync(h); // the plugin restarts, keeping its state (it is this process's object)
            Assert.Equal(endpoint.Id, h.Plugin.CallsTo(PluginMethods.Network.DeleteEndpoint).Single().Text("EndpointID"));
            Assert.Equal(network.Id, h.Plugin.CallsTo(PluginMethods.Network.DeleteNetwork).Single().Text("NetworkID"));
            h.AssertPluginAgrees();
        });
    }

    [Fact]
    public async Task ForcedDeletes_PluginDown_PendingCallsSurviveARestart()
    {
        await using var h = await RemoteHarness.CreateAsync();
        await WithWatcherAsync(h, async () =>
        {
            var (network, endpoint) = await NetworkAndEndpointAsync(h);
            await StopPluginAsync(h);
            await h.Controller.DeleteEndpointAsync(endpoint.Id, force: true, CancellationToken.None);
            await h.Controller.DeleteNetworkAsync(network.Id, force: true, CancellationToken.None);
        });

        // cnmd restarts while the plugin is still down: the calls are still owed, start-up does not wait for them.
        await using var restarted = await h.RestartAsync();
        Assert.Equal(5, restarted.Controller.PendingCalls.Count);
        Assert.Empty(restarted.Controller.Networks);
        await WithWatcherAsync(restarted, () => PluginBackGetsWhatItIsOwedAsync(restarted));
    }

    [Fact]
    public async Task Leave_PluginDown_LeaveDeliveredBeforeTheNextJoin()
    {
        await using var h = await RemoteHarness.CreateAsync();
        await WithWatcherAsync(h, async () =>
        {
            var (_, endpoint) = await NetworkAndEndpointAsync(h);
            var sandbox = await h.SandboxAsync("c1");
            await h.Controller.JoinAsync(endpoint.Id, sandbox.Id, CancellationToken.None);
            await StopPluginAsync(h);

            await h.Controller.LeaveAsync(endpoint.Id, CancellationToken.None); // never gets stuck
            Assert.Equal(["RevokeExternalConnectivity", "Leave"], h.Controller.PendingCalls.Select(c => c.Split(' ')[0]));

            h.Plugin.ClearCalls();
            await h.Plugin.StartAsync();
            await h.WaitForNoPendingCallsAsync();
            await h.Controller.JoinAsync(endpoint.Id, sandbox.Id, CancellationToken.None);

            var calls = h.Plugin.Methods.Where(m => m is PluginMethods.Network.Leave or PluginMethods.Network.Join
                or PluginMethods.Network.RevokeExternalConnectivity or PluginMethods.Network.ProgramExternalConnectivity);
            Assert.Equal([PluginMethods.Network.RevokeExternalConnectivity, PluginMethods.Network.Leave, PluginMethods.Network.Join,
                PluginMethods.Network.ProgramExternalConnectivity], calls);
            h.AssertPluginAgrees();
        });
    }
}
