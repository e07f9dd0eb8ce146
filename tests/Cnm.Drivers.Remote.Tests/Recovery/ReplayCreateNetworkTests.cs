using Cnm.Plugins.Watching;
using Cnm.Protocol;
using Cnm.Testing;

namespace Cnm.Drivers.Remote.Tests.Recovery;

/// <summary>
/// Issue 5: "Replaying CreateNetwork to a plugin that restarted with no state is an option per plugin." A new
/// plugin process at the same socket knows no networks; with the option its networks are created again as soon
/// as the watcher activates it, so endpoints work again; without it the plugin is sent nothing.
/// </summary>
public sealed class ReplayCreateNetworkTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task PluginRestartsWithNoState_NetworksReplayedOnlyWhenConfigured(bool replay)
    {
        await using var h = await RemoteHarness.CreateAsync(configureController: o =>
        {
            if (replay)
            {
                o.ReplayCreateNetwork.Add(RemoteHarness.PluginName);
            }
        });
        using var watcher = new PluginWatcher(h.Registry, new PluginWatcherOptions
        {
            RescanInterval = TimeSpan.FromSeconds(2),
            ActivationRetryInitial = TimeSpan.FromMilliseconds(200),
            ActivationRetryMax = TimeSpan.FromSeconds(1),
        });
        await watcher.StartAsync(CancellationToken.None);
        try
        {
            var n1 = await h.NetworkAsync("n1");
            var n2 = await h.NetworkAsync("n2");
            await h.Plugin.StopAsync();

            // A new plugin process: same socket, no state.
            await using var fresh = await RecordingPlugin.StartAsync(h.Layout.SocketPath(RemoteHarness.PluginName));
            await fresh.WaitForCallsAsync(PluginMethods.Ipam.GetDefaultAddressSpaces);
            if (!replay)
            {
                await Task.Delay(500);
                Assert.Empty(fresh.CallsTo(PluginMethods.Network.CreateNetwork));
                Assert.Empty(fresh.Networks);
                return;
            }

            await Eventually.TrueAsync(() => fresh.Networks.Count == 2, "both networks to be replayed");
            Assert.Equal(new[] { n1.Id, n2.Id }.Order(StringComparer.Ordinal), fresh.Networks);
            var replayed = fresh.CallsTo(PluginMethods.Network.CreateNetwork).Single(c => c.Text("NetworkID") == n1.Id);
            Assert.Contains(n1.IPv4Pools[0].Pool.ToString(), replayed.Body, StringComparison.Ordinal); // the same IPv4Data as the first time
            await h.EndpointAsync(n1, "e1");
            Assert.Single(fresh.Endpoints);
        }
        finally
        {
            await watcher.StopAsync(CancellationToken.None);
        }
    }
}
