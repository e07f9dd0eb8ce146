using Cnm.Plugins.Registry;
using Cnm.Plugins.Tests.Discovery;
using Cnm.Plugins.Watching;
using Cnm.Protocol;
using Cnm.Testing;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Cnm.Plugins.Tests.Watching;

public sealed class PluginWatcherTests(ITestOutputHelper output) : IAsyncLifetime
{
    // Behavioural bound per event; the measured latency is reported by PluginWatcherLatencyTests.
    private static readonly TimeSpan EventBound = TimeSpan.FromSeconds(10); // well under the fixture's 30 s rescan, so only the watch can meet it

    private readonly WatcherFixture _fixture = new(logging: LoggerFactory.Create(b => b.AddProvider(new OutputLogger(output)).SetMinimumLevel(LogLevel.Debug)));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _fixture.DisposeAsync();

    [Fact]
    public async Task Watcher_PluginPresentAtStart_IsActivated()
    {
        var server = await _fixture.StartPluginAsync("early");

        await _fixture.StartAsync();

        var e = (await _fixture.Events.WaitForAsync(e => e.Name == "early", EventBound)).Event;
        Assert.Equal(PluginEventKind.Activated, e.Kind);
        Assert.Single(server.RequestsFor(PluginMethods.Activate));
    }

    [Fact]
    public async Task Watcher_SocketCreated_ActivatedAndGetAsyncNeedsNoSecondActivation()
    {
        await _fixture.StartAsync();

        var server = await _fixture.StartPluginAsync("net");

        var e = (await _fixture.Events.WaitForAsync(e => e.Name == "net", EventBound)).Event;
        var plugin = await _fixture.Registry.GetAsync("net", PluginInterfaces.NetworkDriver, CancellationToken.None);
        Assert.Equal(PluginEventKind.Activated, e.Kind);
        Assert.Same(e.Plugin, plugin);
        Assert.Single(server.RequestsFor(PluginMethods.Activate));
    }

    [Fact]
    public async Task Watcher_SocketInSubdirectoryCreated_Activated()
    {
        await _fixture.StartAsync();
        Directory.CreateDirectory(Path.Join(_fixture.Dirs.Sockets, "sub"));
        await Task.Delay(20); // the new directory gets its own inotify watch

        await using var server = await PluginServer.StartUnixAsync(Path.Join(_fixture.Dirs.Sockets, "sub", "sub.sock"),
            s => s.Implements(PluginInterfaces.NetworkDriver));

        var e = (await _fixture.Events.WaitForAsync(e => e.Name == "sub", EventBound)).Event;
        Assert.Equal(server.SocketPath, e.Plugin.Spec.Source);
    }

    [Fact]
    public async Task Watcher_SocketRemoved_ReportedGone()
    {
        var server = await _fixture.StartPluginAsync("net");
        await _fixture.StartAsync();
        await _fixture.Events.WaitForAsync(e => e.Name == "net", EventBound);

        await _fixture.StopPluginAsync(server); // deletes the socket file

        var gone = (await _fixture.Events.WaitForAsync(e => e.Kind == PluginEventKind.Gone, EventBound)).Event;
        Assert.Equal("net", gone.Name);
        Assert.Equal(1, gone.Plugin.Generation);
        Assert.Equal(PluginState.Gone, Assert.Single(_fixture.Registry.Plugins).State);
    }

    [Fact]
    public async Task Watcher_SocketReplaced_Reactivated()
    {
        var first = await _fixture.StartPluginAsync("net");
        await _fixture.StartAsync();
        await _fixture.Events.WaitForAsync(e => e.Name == "net", EventBound);

        await _fixture.StopPluginAsync(first);
        var second = await _fixture.StartPluginAsync("net");

        var e = (await _fixture.Events.WaitForAsync(e => e.Kind == PluginEventKind.Reactivated, EventBound)).Event;
        Assert.Equal(2, e.Plugin.Generation);
        Assert.Single(second.RequestsFor(PluginMethods.Activate));
        var plugin = await _fixture.Registry.GetAsync("net", PluginInterfaces.NetworkDriver, CancellationToken.None);
        Assert.Same(e.Plugin, plugin);
    }

    [Fact]
    public async Task Watcher_SpecFileCreatedChangedRemoved_ActivatedReactivatedGone()
    {
        await using var a = await PluginServer.StartTcpAsync(s => s.Implements(PluginInterfaces.NetworkDriver));
        await using var b = await PluginServer.StartTcpAsync(s => s.Implements(PluginInterfaces.NetworkDriver));
        await _fixture.StartAsync();
        var path = Path.Join(_fixture.Dirs.Lib, "tcp.spec");

        PluginDirectories.Write(path, a.Address.ToString());
        var activated = (await _fixture.Events.WaitForAsync(e => e.Name == "tcp", EventBound)).Event;
        PluginDirectories.Write(path, b.Address.ToString());
        var reactivated = (await _fixture.Events.WaitForAsync(e => e.Kind == PluginEventKind.Reactivated, EventBound)).Event;
        File.Delete(path);
        var gone = (await _fixture.Events.WaitForAsync(e => e.Kind == PluginEventKind.Gone, EventBound)).Event;

        Assert.Equal((PluginEventKind.Activated, a.Address), (activated.Kind, activated.Plugin.Spec.Address));
        Assert.Equal(b.Address, reactivated.Plugin.Spec.Address);
        Assert.Same(reactivated.Plugin, gone.Plugin);
        Assert.Single(a.RequestsFor(PluginMethods.Activate));
        Assert.Single(b.RequestsFor(PluginMethods.Activate));
        Assert.Equal(
            [PluginEventKind.Activated, PluginEventKind.Reactivated, PluginEventKind.Gone],
            _fixture.Events.Events.Select(e => e.Kind));
    }

    [Fact]
    public async Task Watcher_BrokenSpecFileFixed_ActivatedOnceFixed()
    {
        await using var server = await PluginServer.StartTcpAsync(s => s.Implements(PluginInterfaces.NetworkDriver));
        await _fixture.StartAsync();
        var path = Path.Join(_fixture.Dirs.Etc, "fix.json");

        PluginDirectories.Write(path, "{\"Addr\":");
        await Task.Delay(200);
        Assert.Empty(_fixture.Events.Events);
        PluginDirectories.Write(path, $"{{\"Addr\":\"{server.Address}\"}}");

        var e = (await _fixture.Events.WaitForAsync(e => e.Name == "fix", EventBound)).Event;
        Assert.Equal(PluginEventKind.Activated, e.Kind);
    }

    [Fact]
    public async Task Watcher_FailedActivation_RetriedUntilItWorks()
    {
        var calls = 0;
        var server = await _fixture.StartPluginAsync("flaky", s => s.Map(PluginMethods.Activate, _ =>
            Interlocked.Increment(ref calls) <= 2
                ? PluginReply.Json("{\"Err\":\"starting\"}", 500)
                : PluginReply.Json("{\"Implements\":[\"NetworkDriver\"]}")));

        await _fixture.StartAsync();

        var e = (await _fixture.Events.WaitForAsync(e => e.Name == "flaky", TimeSpan.FromSeconds(5))).Event;
        Assert.Equal(PluginEventKind.Activated, e.Kind);
        Assert.Equal(3, server.RequestsFor(PluginMethods.Activate).Count);
    }
}
