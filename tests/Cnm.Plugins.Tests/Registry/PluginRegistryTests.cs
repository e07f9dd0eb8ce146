using System.Diagnostics;
using System.Net.Sockets;
using Cnm.Plugins.Client;
using Cnm.Plugins.Registry;
using Cnm.Plugins.Tests.Discovery;
using Cnm.Protocol;
using Cnm.Testing;
using Xunit.Abstractions;

namespace Cnm.Plugins.Tests.Registry;

public sealed class PluginRegistryTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly PluginDirectories _dirs = new();
    private readonly List<IAsyncDisposable> _servers = [];
    private PluginRegistry _registry = null!;

    public Task InitializeAsync()
    {
        _registry = new PluginRegistry(_dirs.Discovery());
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _registry.DisposeAsync();
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }

        _dirs.Dispose();
    }

    private async Task<PluginServer> StartAsync(string name, Action<PluginServer>? configure = null)
    {
        var server = await PluginServer.StartUnixAsync(Path.Join(_dirs.Sockets, name + ".sock"),
            configure ?? (s => s.Implements(PluginInterfaces.NetworkDriver)));
        _servers.Add(server);
        return server;
    }

    [Fact]
    public async Task GetAsync_SocketPlugin_ActivatesWithEmptyPostAndReturnsPlugin()
    {
        var server = await StartAsync("net", s => s.Implements("NetworkDriver", "IpamDriver"));

        var plugin = await _registry.GetAsync("net", PluginInterfaces.IpamDriver, CancellationToken.None);

        Assert.Equal("net", plugin.Name);
        Assert.Equal(["NetworkDriver", "IpamDriver"], plugin.Implements);
        Assert.Equal(1, plugin.Generation);
        Assert.Equal(server.SocketPath, plugin.Spec.Source);
        var activate = Assert.Single(server.RequestsFor(PluginMethods.Activate));
        Assert.Equal("POST", activate.HttpMethod);
        Assert.Empty(activate.Body);
        var status = Assert.Single(_registry.Plugins);
        Assert.Equal(PluginState.Active, status.State);
        Assert.Equal(1, status.Generation);
    }

    [Fact]
    public async Task GetAsync_TwentyConcurrentCallers_ActivateOnce()
    {
        var server = await StartAsync("net", s => s.Map(PluginMethods.Activate,
            new PluginReply { Body = "{\"Implements\":[\"NetworkDriver\"]}", Delay = TimeSpan.FromMilliseconds(200) }));

        var plugins = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            Task.Run(() => _registry.GetAsync("net", PluginInterfaces.NetworkDriver, CancellationToken.None))));
        var again = await _registry.GetAsync("net", PluginInterfaces.NetworkDriver, CancellationToken.None);

        Assert.Single(server.RequestsFor(PluginMethods.Activate));
        Assert.All(plugins, p => Assert.Same(plugins[0], p));
        Assert.Same(plugins[0], again);
    }

    [Fact]
    public async Task GetAsync_FailedActivation_IsNotCached()
    {
        var calls = 0;
        var server = await StartAsync("net", s => s.Map(PluginMethods.Activate, _ => Interlocked.Increment(ref calls) == 1
            ? PluginReply.Json("{\"Err\":\"not ready\"}", 500)
            : PluginReply.Json("{\"Implements\":[\"NetworkDriver\"]}")));

        var error = await Assert.ThrowsAsync<PluginException>(() =>
            _registry.GetAsync("net", PluginInterfaces.NetworkDriver, CancellationToken.None));
        var failed = Assert.Single(_registry.Plugins);
        var plugin = await _registry.GetAsync("net", PluginInterfaces.NetworkDriver, CancellationToken.None);

        Assert.Contains("not ready", error.Message, StringComparison.Ordinal);
        Assert.Equal(PluginMethods.Activate, error.Method);
        Assert.Equal(PluginState.Unavailable, failed.State);
        Assert.Contains("not ready", failed.LastError, StringComparison.Ordinal);
        Assert.Equal(1, plugin.Generation);
        Assert.Equal(2, server.RequestsFor(PluginMethods.Activate).Count);
        Assert.Equal(PluginState.Active, Assert.Single(_registry.Plugins).State);
    }

    [Fact]
    public async Task GetAsync_InterfaceNotImplemented_ThrowsNotImplementedAndStaysActivated()
    {
        var server = await StartAsync("ipam", s => s.Implements(PluginInterfaces.IpamDriver));

        var error = await Assert.ThrowsAsync<PluginException>(() =>
            _registry.GetAsync("ipam", PluginInterfaces.NetworkDriver, CancellationToken.None));
        var plugin = await _registry.GetAsync("ipam", PluginInterfaces.IpamDriver, CancellationToken.None);

        Assert.Equal(ErrorCategory.NotImplemented, error.Category);
        Assert.Contains("\"ipam\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("does not implement NetworkDriver", error.Message, StringComparison.Ordinal);
        Assert.Equal("ipam", plugin.Name);
        Assert.Single(server.RequestsFor(PluginMethods.Activate));
    }

    [Fact]
    public async Task GetAsync_UnknownName_FailsWithNotFoundAtOnce()
    {
        await _registry.GetAsync("warm", CancellationToken.None).ContinueWith(_ => { }); // JIT, not timing

        var stopwatch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<PluginException>(() =>
            _registry.GetAsync("missing", PluginInterfaces.NetworkDriver, CancellationToken.None));
        var elapsed = stopwatch.Elapsed;

        output.WriteLine($"unknown-name GetAsync: {elapsed.TotalMilliseconds:0.000} ms");
        Assert.Equal(ErrorCategory.NotFound, error.Category);
        Assert.Contains(Path.Join(_dirs.Sockets, "missing.sock"), error.Message, StringComparison.Ordinal);
        Assert.True(elapsed < TimeSpan.FromSeconds(5), $"took {elapsed.TotalMilliseconds} ms"); // at once, not after the 15 s connect-retry budget (figure printed above)
        Assert.Empty(_registry.Plugins);
    }

    [Theory]
    [InlineData("../net")]
    [InlineData("")]
    public async Task GetAsync_InvalidName_ThrowsInvalidParameter(string name)
    {
        var error = await Assert.ThrowsAsync<PluginException>(() =>
            _registry.GetAsync(name, PluginInterfaces.NetworkDriver, CancellationToken.None));

        Assert.Equal(ErrorCategory.InvalidParameter, error.Category);
    }

    [Fact]
    public async Task GetAsync_SocketWithoutListener_RetriedWithinConnectBudget()
    {
        var path = Path.Join(_dirs.Sockets, "late.sock");
        var bound = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        bound.Bind(new UnixDomainSocketEndPoint(path)); // a socket file, nobody listening: connect is refused
        var late = Task.Run(async () =>
        {
            await Task.Delay(300);
            bound.Dispose();
            File.Delete(path);
            _servers.Add(await PluginServer.StartUnixAsync(path, s => s.Implements(PluginInterfaces.NetworkDriver)));
        });

        var stopwatch = Stopwatch.StartNew();
        var plugin = await _registry.GetAsync("late", PluginInterfaces.NetworkDriver, CancellationToken.None);
        await late;

        Assert.Equal("late", plugin.Name);
        Assert.InRange(stopwatch.Elapsed, TimeSpan.FromMilliseconds(900), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task GetAsync_SocketWithoutListenerAndNoBudget_FailsUnavailable()
    {
        await using var registry = new PluginRegistry(_dirs.Discovery(), new PluginClientOptions { ConnectRetryBudget = TimeSpan.Zero });
        using var bound = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        bound.Bind(new UnixDomainSocketEndPoint(Path.Join(_dirs.Sockets, "dead.sock")));

        var error = await Assert.ThrowsAsync<PluginException>(() =>
            registry.GetAsync("dead", PluginInterfaces.NetworkDriver, CancellationToken.None));

        Assert.Equal(ErrorCategory.Unavailable, error.Category);
        Assert.Equal(PluginState.Unavailable, Assert.Single(registry.Plugins).State);
    }

    [Fact]
    public async Task GetAsync_SpecFileToTcpServer_Activates()
    {
        await using var server = await PluginServer.StartTcpAsync(s => s.Implements(PluginInterfaces.NetworkDriver));
        PluginDirectories.Write(Path.Join(_dirs.Lib, "tcp", "tcp.spec"), server.Address.ToString());

        var plugin = await _registry.GetAsync("tcp", PluginInterfaces.NetworkDriver, CancellationToken.None);

        Assert.Equal(server.Address, plugin.Spec.Address);
        Assert.Single(server.RequestsFor(PluginMethods.Activate));
    }

    [Fact]
    public async Task Handle_AlreadyActivatedPlugins_AreReplayedToNewSubscriber()
    {
        await StartAsync("a");
        await StartAsync("b", s => s.Implements(PluginInterfaces.IpamDriver));
        await _registry.GetAsync("a", CancellationToken.None);
        await _registry.GetAsync("b", CancellationToken.None);
        var network = new EventRecorder();
        var ipam = new EventRecorder();

        using var s1 = _registry.Handle(PluginInterfaces.NetworkDriver, network.Handle);
        using var s2 = _registry.Handle(PluginInterfaces.IpamDriver, ipam.Handle);

        var e = (await network.WaitForAsync(_ => true)).Event;
        Assert.Equal((PluginEventKind.Activated, "a", PluginInterfaces.NetworkDriver), (e.Kind, e.Name, e.Interface));
        Assert.Equal("b", (await ipam.WaitForAsync(_ => true)).Event.Name);
        await Task.Delay(50);
        Assert.Single(network.Events);
        Assert.Single(ipam.Events);
    }

    [Fact]
    public async Task Handle_LaterActivation_CallbackHasRunWhenGetAsyncReturns()
    {
        await StartAsync("a", s => s.Implements("IpamDriver", "NetworkDriver"));
        var order = new List<string>();
        using var net = _registry.Handle(PluginInterfaces.NetworkDriver, async (e, ct) =>
        {
            await Task.Delay(100, ct); // a slow registration still finishes before GetAsync returns
            lock (order) order.Add("net:" + e.Name);
        });
        using var ipam = _registry.Handle(PluginInterfaces.IpamDriver, (e, _) =>
        {
            lock (order) order.Add("ipam:" + e.Name);
            return Task.CompletedTask;
        });

        await _registry.GetAsync("a", PluginInterfaces.NetworkDriver, CancellationToken.None);

        lock (order)
        {
            Assert.Equal(["ipam:a", "net:a"], order); // manifest order
        }
    }

    [Fact]
    public async Task Handle_SubscriptionDisposed_NoFurtherCallbacks()
    {
        await StartAsync("a");
        await StartAsync("b");
        var recorder = new EventRecorder();
        var subscription = _registry.Handle(PluginInterfaces.NetworkDriver, recorder.Handle);
        await _registry.GetAsync("a", CancellationToken.None);

        subscription.Dispose();
        await _registry.GetAsync("b", CancellationToken.None);

        Assert.Equal(["a"], recorder.Events.Select(e => e.Name));
    }

    [Fact]
    public async Task Handle_CallbackThrows_OtherCallbacksAndActivationUnaffected()
    {
        await StartAsync("a");
        var before = new EventRecorder();
        var after = new EventRecorder();
        using var s1 = _registry.Handle(PluginInterfaces.NetworkDriver, before.Handle);
        using var s2 = _registry.Handle(PluginInterfaces.NetworkDriver, (_, _) => throw new InvalidOperationException("boom"));
        using var s3 = _registry.Handle(PluginInterfaces.NetworkDriver, async (_, _) =>
        {
            await Task.Yield();
            throw new InvalidOperationException("async boom");
        });
        using var s4 = _registry.Handle(PluginInterfaces.NetworkDriver, after.Handle);

        var plugin = await _registry.GetAsync("a", PluginInterfaces.NetworkDriver, CancellationToken.None);

        Assert.Equal("a", plugin.Name);
        Assert.Single(before.Events);
        Assert.Single(after.Events);
        Assert.Equal(PluginState.Active, Assert.Single(_registry.Plugins).State);
    }

    [Fact]
    public async Task Handle_SubscribedDuringSlowCallback_StillToldAboutThatActivation()
    {
        await StartAsync("a");
        var late = new EventRecorder();
        IDisposable? lateSubscription = null;
        using var first = _registry.Handle(PluginInterfaces.NetworkDriver, (_, _) =>
        {
            // Subscribes while the activation's callbacks run: it must not miss the activation.
            lateSubscription ??= _registry.Handle(PluginInterfaces.NetworkDriver, late.Handle);
            return Task.CompletedTask;
        });

        await _registry.GetAsync("a", CancellationToken.None);

        Assert.Equal(["a"], late.Events.Select(e => e.Name));
        lateSubscription!.Dispose();
    }

    [Fact]
    public async Task MarkGoneAsync_ActivePlugin_ReportsGoneAndNextGetActivatesAgain()
    {
        var server = await StartAsync("a");
        var recorder = new EventRecorder();
        using var subscription = _registry.Handle(PluginInterfaces.NetworkDriver, recorder.Handle);
        var first = await _registry.GetAsync("a", CancellationToken.None);

        var marked = await _registry.MarkGoneAsync("a", "socket removed", CancellationToken.None);
        var gone = Assert.Single(_registry.Plugins);
        var second = await _registry.GetAsync("a", PluginInterfaces.NetworkDriver, CancellationToken.None);

        Assert.True(marked);
        Assert.False(await _registry.MarkGoneAsync("nobody", "x", CancellationToken.None));
        Assert.Equal(PluginState.Gone, gone.State);
        Assert.Equal("socket removed", gone.LastError);
        Assert.Equal(2, second.Generation);
        Assert.NotSame(first.Client, second.Client);
        Assert.Equal(
            [(PluginEventKind.Activated, 1), (PluginEventKind.Gone, 1), (PluginEventKind.Reactivated, 2)],
            recorder.Events.Select(e => (e.Kind, e.Plugin.Generation)));
        Assert.Equal(2, server.RequestsFor(PluginMethods.Activate).Count);
    }

    [Fact]
    public async Task Dispose_AfterActivation_ClientsDisposedAndGetRejected()
    {
        await StartAsync("a");
        var plugin = await _registry.GetAsync("a", CancellationToken.None);

        await _registry.DisposeAsync();

        await Assert.ThrowsAnyAsync<ObjectDisposedException>(() =>
            plugin.Client.CallAsync(PluginMethods.Activate, PluginJsonContext.Default.ActivateResponse, CancellationToken.None));
        Assert.Throws<ObjectDisposedException>(() => _registry.Handle("x", (_, _) => Task.CompletedTask));
    }
}
