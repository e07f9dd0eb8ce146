using Cnm.Plugins.Client;
using Cnm.Plugins.Registry;
using Cnm.Plugins.Tests.Discovery;
using Cnm.Plugins.Tests.Registry;
using Cnm.Plugins.Watching;
using Cnm.Protocol;
using Cnm.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Cnm.Plugins.Tests.Watching;

public sealed class AddCnmPluginsTests
{
    [Fact]
    public async Task AddCnmPlugins_HostedWatcherStarted_NewPluginReachesSubscriber()
    {
        using var dirs = new PluginDirectories();
        var services = new ServiceCollection();
        services.AddCnmPlugins(o =>
        {
            o.SocketDirectory = dirs.Sockets;
            o.SpecDirectories.Clear();
            o.SpecDirectories.Add(dirs.Etc);
        });
        services.Configure<PluginWatcherOptions>(o => o.Debounce = TimeSpan.FromMilliseconds(5));
        await using var provider = services.BuildServiceProvider();
        var registry = provider.GetRequiredService<PluginRegistry>();
        var recorder = new EventRecorder();
        using var subscription = registry.Handle(PluginInterfaces.NetworkDriver, recorder.Handle);
        var watcher = Assert.IsType<PluginWatcher>(Assert.Single(provider.GetServices<IHostedService>()));
        await watcher.StartAsync(CancellationToken.None);

        await using var server = await PluginServer.StartUnixAsync(Path.Join(dirs.Sockets, "di.sock"),
            s => s.Implements(PluginInterfaces.NetworkDriver));

        var e = (await recorder.WaitForAsync(e => e.Name == "di", TimeSpan.FromSeconds(8))).Event;
        await watcher.StopAsync(CancellationToken.None);
        Assert.Equal(PluginEventKind.Activated, e.Kind);
        Assert.Same(provider.GetRequiredService<PluginRegistry>(), registry);
        Assert.Equal(dirs.Sockets, registry.Discovery.SocketDirectory);
    }

    [Fact]
    public void AddCnmPlugins_InvalidOptions_RejectedWithReason()
    {
        var services = new ServiceCollection();
        services.AddCnmPlugins(o => o.SocketDirectory = "relative");
        services.Configure<PluginClientOptions>(o => o.CallTimeout = TimeSpan.Zero);
        using var provider = services.BuildServiceProvider();

        var discovery = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<Cnm.Plugins.Discovery.PluginDiscoveryOptions>>().Value);
        var client = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<PluginClientOptions>>().Value);

        Assert.Contains("SocketDirectory", discovery.Message, StringComparison.Ordinal);
        Assert.Contains("CallTimeout", client.Message, StringComparison.Ordinal);
    }
}
