using Cnm.Plugins.Registry;
using Cnm.Protocol;
using Cnm.Testing;

namespace Cnm.Plugins.Tests.Watching;

public sealed class PluginWatcherDirectoryTests
{
    [Fact]
    public async Task Watcher_DirectoriesCreatedAfterStart_PluginsInThemActivated()
    {
        await using var fixture = new WatcherFixture(createDirectories: false);
        await using var tcp = await PluginServer.StartTcpAsync(s => s.Implements(PluginInterfaces.NetworkDriver));
        await fixture.StartAsync();

        Directory.CreateDirectory(fixture.Dirs.Sockets);
        await using var server = await PluginServer.StartUnixAsync(fixture.SocketPath("late"),
            s => s.Implements(PluginInterfaces.NetworkDriver));
        Directory.CreateDirectory(Path.Join(fixture.Dirs.Etc, "spec"));
        await File.WriteAllTextAsync(Path.Join(fixture.Dirs.Etc, "spec", "spec.spec"), tcp.Address.ToString());

        var late = (await fixture.Events.WaitForAsync(e => e.Name == "late", TimeSpan.FromSeconds(2))).Event;
        var spec = (await fixture.Events.WaitForAsync(e => e.Name == "spec", TimeSpan.FromSeconds(2))).Event;
        Assert.Equal(PluginEventKind.Activated, late.Kind);
        Assert.Equal(tcp.Address, spec.Plugin.Spec.Address);
    }
}
