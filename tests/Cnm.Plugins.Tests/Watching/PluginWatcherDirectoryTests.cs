using Cnm.Plugins.Registry;
using Cnm.Plugins.Watching;
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

        var late = (await fixture.Events.WaitForAsync(e => e.Name == "late", TimeSpan.FromSeconds(10))).Event;
        var spec = (await fixture.Events.WaitForAsync(e => e.Name == "spec", TimeSpan.FromSeconds(10))).Event;
        Assert.Equal(PluginEventKind.Activated, late.Kind);
        Assert.Equal(tcp.Address, spec.Plugin.Spec.Address);
    }

    [Fact]
    public async Task Watcher_ChangeNoEventReports_CaughtByPeriodicRescan()
    {
        // The socket directory is a symbolic link; pointing it elsewhere raises no event in the watched
        // directory, so only the rescan can find the plugin that was waiting behind the new target.
        using var elsewhere = new TempDirectory("cnmx");
        await using var fixture = new WatcherFixture(createDirectories: false, options: new PluginWatcherOptions
        {
            RescanInterval = TimeSpan.FromMilliseconds(300),
        });
        Directory.CreateDirectory(fixture.Dirs.Root);
        var first = elsewhere.CreateDirectory("a");
        var second = elsewhere.CreateDirectory("b");
        Directory.CreateSymbolicLink(fixture.Dirs.Sockets, first);
        await using var server = await PluginServer.StartUnixAsync(Path.Join(second, "hidden.sock"),
            s => s.Implements(PluginInterfaces.NetworkDriver));
        await fixture.StartAsync();
        await Task.Delay(50);
        Assert.Empty(fixture.Events.Events);

        Directory.Delete(fixture.Dirs.Sockets);
        Directory.CreateSymbolicLink(fixture.Dirs.Sockets, second);

        var e = (await fixture.Events.WaitForAsync(e => e.Name == "hidden", TimeSpan.FromSeconds(10))).Event;
        Assert.Equal(PluginEventKind.Activated, e.Kind);
    }
}
