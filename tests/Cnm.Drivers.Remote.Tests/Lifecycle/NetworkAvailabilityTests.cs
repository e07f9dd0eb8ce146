using System.Diagnostics;
using Cnm.Core.Control;
using Cnm.Core.Drivers.BuiltIn;
using Cnm.Core.Errors;
using Cnm.Core.Model;
using Cnm.Core.Store;
using Cnm.Plugins.Registry;
using Cnm.Protocol;
using Cnm.Testing;

namespace Cnm.Drivers.Remote.Tests.Lifecycle;

/// <summary>
/// <see cref="Controller.GetAvailability"/> over the real remote module: a network whose plugin is gone, or was
/// never seen since start-up, shows as waiting for it, with the reason; it is ready again once the plugin is back.
/// </summary>
public sealed class NetworkAvailabilityTests
{
    private const string Plugin = RemoteHarness.PluginName;

    [Fact]
    public async Task GetAvailability_PluginGoneThenBack_WaitingWithReasonThenReady()
    {
        await using var h = await RemoteHarness.CreateAsync();
        var both = await h.PluginIpamNetworkAsync("both");
        var driverOnly = await h.NetworkAsync("driver-only"); // built-in default IPAM
        var none = await h.Controller.CreateNetworkAsync(new NetworkCreateOptions { Name = "none", Driver = "null" }, CancellationToken.None);
        Assert.True(h.Controller.GetAvailability(both).IsReady);
        Assert.True(h.Controller.GetAvailability(driverOnly).IsReady);

        await h.Plugin.StopAsync();
        Assert.True(await h.Registry.MarkGoneAsync(Plugin, "socket removed", CancellationToken.None));
        h.Plugin.ClearCalls();

        var waiting = h.Controller.GetAvailability(both);
        Assert.Equal([Plugin], waiting.WaitingFor);
        Assert.Equal($"waiting for plugin \"{Plugin}\" (network driver and IPAM driver): the plugin is gone (socket removed); its calls work again once it is back",
            waiting.Message);
        Assert.StartsWith($"waiting for plugin \"{Plugin}\" (network driver): the plugin is gone", h.Controller.GetAvailability(driverOnly).Message,
            StringComparison.Ordinal);
        Assert.True(h.Controller.GetAvailability(none).IsReady);

        await h.Plugin.StartAsync();
        await h.Registry.GetAsync(Plugin, CancellationToken.None);
        Assert.True(h.Controller.GetAvailability(both).IsReady);
        Assert.True(h.Controller.GetAvailability(driverOnly).IsReady);
        Assert.DoesNotContain(PluginMethods.Network.CreateEndpoint, h.Plugin.Methods); // asking called nothing beyond activation
    }

    [Fact]
    public async Task GetAvailability_RestartedWithPluginAbsent_WaitingNamingDirectories_FailsFastThenWorksWhenBack()
    {
        var store = new InMemoryKeyValueStore();
        using var layout = new PluginLayout();
        await using var plugin = await RecordingPlugin.StartAsync(layout.SocketPath(Plugin));
        string networkId;
        await using (var registry = new PluginRegistry(layout.Discovery()))
        {
            using var module = new RemoteDriverModule(registry);
            var first = await Controller.CreateAsync(new ControllerOptions { Store = store }, [new BuiltInDriverModule(), module]);
            networkId = (await first.CreateNetworkAsync(new NetworkCreateOptions { Name = "n1", Driver = Plugin, IpamDriver = Plugin },
                CancellationToken.None)).Id;
        }

        await plugin.StopAsync();
        Assert.False(File.Exists(layout.SocketPath(Plugin)));
        plugin.ClearCalls();
        await using var again = new PluginRegistry(layout.Discovery());
        using var remote = new RemoteDriverModule(again);
        var controller = await Controller.CreateAsync(new ControllerOptions { Store = store }, [new BuiltInDriverModule(), remote]);
        var network = controller.GetNetwork(networkId);

        var waiting = controller.GetAvailability(network);
        Assert.Equal([Plugin], waiting.WaitingFor);
        Assert.Equal($"waiting for plugin \"{Plugin}\" (network driver and IPAM driver): its socket ({Plugin}.sock) or spec file is not in "
            + $"{layout.Sockets}, {layout.Etc} or {layout.Lib} yet", waiting.Message);

        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<CnmException>(() =>
            controller.CreateEndpointAsync(network.Id, new EndpointCreateOptions { Name = "e1" }, CancellationToken.None));
        var explained = controller.ExplainWaiting(network, error);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"failed after {clock.Elapsed}, not at once");
        Assert.Equal(ErrorCategory.Unavailable, explained.Category);
        Assert.StartsWith($"network n1 is waiting for plugin \"{Plugin}\" (network driver and IPAM driver): its socket", explained.Message,
            StringComparison.Ordinal);
        Assert.Empty(controller.Endpoints);

        await plugin.StartAsync();
        var endpoint = await controller.CreateEndpointAsync(network.Id, new EndpointCreateOptions { Name = "e1" }, CancellationToken.None);
        Assert.True(controller.GetAvailability(network).IsReady);
        Assert.Contains(PluginMethods.Ipam.RequestAddress, plugin.Methods);
        Assert.Single(plugin.CallsTo(PluginMethods.Network.CreateEndpoint), c => c.Body.Contains(endpoint.Id, StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetAvailability_PluginWithoutIpam_WaitingSaysItDoesNotImplementIt()
    {
        var store = new InMemoryKeyValueStore();
        using var layout = new PluginLayout();
        await using (var plugin = await RecordingPlugin.StartAsync(layout.SocketPath(Plugin)))
        await using (var registry = new PluginRegistry(layout.Discovery()))
        {
            using var module = new RemoteDriverModule(registry);
            var first = await Controller.CreateAsync(new ControllerOptions { Store = store }, [new BuiltInDriverModule(), module]);
            await first.CreateNetworkAsync(new NetworkCreateOptions { Name = "n1", Driver = Plugin, IpamDriver = Plugin }, CancellationToken.None);
        }

        // The plugin comes back as a network driver only.
        await using var narrowed = await RecordingPlugin.StartAsync(layout.SocketPath(Plugin), p => p.Implements = [PluginInterfaces.NetworkDriver]);
        await using var again = new PluginRegistry(layout.Discovery());
        using var remote = new RemoteDriverModule(again);
        var controller = await Controller.CreateAsync(new ControllerOptions { Store = store }, [new BuiltInDriverModule(), remote]);
        await again.GetAsync(Plugin, CancellationToken.None);

        var waiting = controller.GetAvailability(controller.GetNetwork("n1"));
        Assert.Equal($"waiting for plugin \"{Plugin}\" (IPAM driver): the plugin does not implement IpamDriver (it implements NetworkDriver)", waiting.Message);
    }
}
