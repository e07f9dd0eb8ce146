using Cnm.Plugins.Registry;
using Cnm.Plugins.Tests.Discovery;
using Cnm.Plugins.Tests.Registry;
using Cnm.Plugins.Watching;
using Cnm.Protocol;
using Cnm.Testing;
using Microsoft.Extensions.Logging;

namespace Cnm.Plugins.Tests.Watching;

/// <summary>A registry and a watcher over private plugin directories, with a NetworkDriver subscriber.</summary>
public sealed class WatcherFixture : IAsyncDisposable
{
    private readonly List<PluginServer> _servers = [];
    private IDisposable? _subscription;

    public WatcherFixture(bool createDirectories = true, TimeProvider? time = null, PluginWatcherOptions? options = null,
        ILoggerFactory? logging = null)
    {
        Dirs = new PluginDirectories(createDirectories);
        Registry = new PluginRegistry(Dirs.Discovery(), timeProvider: time, loggerFactory: logging);
        Watcher = new PluginWatcher(Registry, options ?? new PluginWatcherOptions
        {
            // Long enough that these tests see the file system events at work, not the rescan.
            RescanInterval = TimeSpan.FromSeconds(30),
            ActivationRetryInitial = TimeSpan.FromMilliseconds(200),
            ActivationRetryMax = TimeSpan.FromSeconds(1),
        }, time, logging?.CreateLogger<PluginWatcher>());
        _subscription = Registry.Handle(PluginInterfaces.NetworkDriver, Events.Handle);
    }

    public PluginDirectories Dirs { get; }

    public PluginRegistry Registry { get; }

    public PluginWatcher Watcher { get; }

    public EventRecorder Events { get; } = new();

    public string SocketPath(string name) => Path.Join(Dirs.Sockets, name + ".sock");

    public async Task StartAsync()
    {
        await Watcher.StartAsync(CancellationToken.None);
        // The first scan has run once ScanCount moves: the watches are in place.
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (Watcher.ScanCount == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(2);
        }
    }

    public async Task<PluginServer> StartPluginAsync(string name, Action<PluginServer>? configure = null)
    {
        var server = await PluginServer.StartUnixAsync(SocketPath(name), configure ?? (s => s.Implements(PluginInterfaces.NetworkDriver)));
        _servers.Add(server);
        return server;
    }

    public async Task StopPluginAsync(PluginServer server)
    {
        _servers.Remove(server);
        await server.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _subscription?.Dispose();
        _subscription = null;
        await Watcher.StopAsync(CancellationToken.None);
        Watcher.Dispose();
        await Registry.DisposeAsync();
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }

        Dirs.Dispose();
    }
}
