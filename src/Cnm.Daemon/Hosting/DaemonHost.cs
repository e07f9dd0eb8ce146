using Cnm.Core.Control;
using Cnm.Core.Drivers;
using Cnm.Core.Drivers.BuiltIn;
using Cnm.Core.Store;
using Cnm.Daemon.ApiDocs;
using Cnm.Daemon.DockerApi;
using Cnm.Daemon.DockerApi.Containers;
using Cnm.Daemon.DockerApi.Events;
using Cnm.Daemon.NativeApi;
using Cnm.Drivers.Remote;
using Cnm.Plugins;
using Cnm.Plugins.Client;
using Cnm.Plugins.Registry;
using Cnm.Store.Sqlite;
using Microsoft.Extensions.Logging.Console;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Cnm.Daemon.Hosting;

/// <summary>
/// The composition root: options and start-up checks, the controller over the built-in and remote driver
/// modules, the plugin watcher, and the API on its unix sockets and TLS ports. Prints <c>cnmd ready on unix://…</c>
/// (every address, comma-separated) to stdout once they are listening (and tells systemd); logs go to stderr.
/// </summary>
internal static partial class DaemonHost
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Contains("--help") || args.Contains("-h"))
        {
            await Console.Out.WriteLineAsync(DaemonConfiguration.Usage).ConfigureAwait(false);
            return 0;
        }

        if (args.Contains(StoreCheck.Flag))
        {
            return await CheckAsync([.. args.Where(a => a != StoreCheck.Flag)]).ConfigureAwait(false);
        }

        DaemonOptions options;
        IConfiguration configuration;
        IReadOnlyList<ListenAddress> listeners;
        TlsMaterial? tls = null;
        var sockets = new List<System.Net.Sockets.Socket>();
        var boundPaths = new List<string>();
        try
        {
            (configuration, options) = DaemonConfiguration.Load(args);
            options.Validate();
            listeners = options.Listeners;

            // Everything that can refuse bad input runs before Preflight changes anything on disk.
            var groupId = UnixGroup.Resolve(options.Group);
            if (listeners.Any(l => l.SocketPath is null))
            {
                tls = TlsMaterial.Load(options);
            }

            SandboxSetup.CheckPrivileges(options);
            Preflight.Run(options);
            foreach (var path in options.SocketPaths)
            {
                sockets.Add(UnixSocketBinder.Bind(path, groupId));
                boundPaths.Add(path);
            }
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            Release(sockets, boundPaths);
            tls?.Dispose();
            await Console.Error.WriteLineAsync($"cnmd: error: {ex.Message}").ConfigureAwait(false);
            return 1;
        }

        using var tlsLifetime = tls;
        try
        {
            return await ServeAsync(configuration, options, listeners, sockets, tls).ConfigureAwait(false);
        }
        finally
        {
            Release(sockets, boundPaths);
        }
    }

    /// <summary>
    /// Closes the sockets this cnmd bound and removes their files, also when start-up failed after binding (a
    /// store that cannot be opened), so that a refused start leaves no socket behind.
    /// </summary>
    private static void Release(List<System.Net.Sockets.Socket> sockets, List<string> paths)
    {
        foreach (var bound in sockets)
        {
            bound.Dispose();
        }

        foreach (var path in paths)
        {
            TryDelete(path);
        }
    }

    private static async Task<int> CheckAsync(string[] args)
    {
        DaemonOptions options;
        try
        {
            (_, options) = DaemonConfiguration.Load(args);
            options.Validate();
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync($"cnmd: error: {ex.Message}").ConfigureAwait(false);
            return 2;
        }

        return await StoreCheck.RunAsync(options, Console.Out, Console.Error).ConfigureAwait(false);
    }

    private static async Task<int> ServeAsync(IConfiguration configuration, DaemonOptions options, IReadOnlyList<ListenAddress> listeners,
        List<System.Net.Sockets.Socket> sockets, TlsMaterial? tls)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddConfiguration(configuration);
        builder.Host.UseSystemd();
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(options.MinimumLevel);
        if (options.MinimumLevel > LogLevel.Debug)
        {
            builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        }

        builder.Services.Configure<ConsoleLoggerOptions>(_ => { });
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            foreach (var bound in sockets)
            {
                // Bound by UnixSocketBinder with its final group and mode; Kestrel listens on the handle.
                kestrel.ListenHandle((ulong)bound.Handle);
            }

            foreach (var tcp in listeners.Where(l => l.SocketPath is null))
            {
                TcpListening.Listen(kestrel, tcp, tls!);
            }
        });
        builder.Services.Configure<PluginClientOptions>(client => client.RequireTlsVerification = options.PluginTlsVerify);
        builder.Services.AddCnmPlugins(discovery =>
        {
            discovery.SocketDirectory = options.PluginDir;
            discovery.SpecDirectories.Clear();
            foreach (var dir in options.SpecDirectories)
            {
                discovery.SpecDirectories.Add(dir);
            }
        });

        // Metrics of plugin calls, scraped as Prometheus text at /metrics; a trace per API request (continuing
        // an incoming W3C traceparent) so that plugin calls carry a traceparent of the same trace.
        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics.AddMeter(PluginMetrics.Name).AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0))
            .WithTracing(tracing => tracing.AddSource(PluginMetrics.Name).AddAspNetCoreInstrumentation());

        builder.Services.AddCnmOpenApi();
        var app = builder.Build();
        await using var appLifetime = app.ConfigureAwait(false);
        var loggerFactory = app.Services.GetRequiredService<ILoggerFactory>();
        var logger = loggerFactory.CreateLogger("Cnm.Daemon");
        var registry = app.Services.GetRequiredService<PluginRegistry>();
        using var remote = new RemoteDriverModule(registry, loggerFactory);
        IKeyValueStore store;
        try
        {
            if (options.InMemoryStore)
            {
                Log.InMemoryStore(logger);
                store = new InMemoryKeyValueStore();
            }
            else
            {
                store = await SqliteKeyValueStore.OpenAsync(options.StorePath, null, options.StoreSyncMode, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var reason = ex.Message.Contains(options.StorePath, StringComparison.Ordinal) ? ex.Message : $"cannot open state file {options.StorePath}: {ex.Message}";
            await Console.Error.WriteLineAsync($"cnmd: error: {reason}").ConfigureAwait(false);
            return 1;
        }

        // Disposed (closed, its lock released) after the API has stopped serving.
        await using var storeLifetime = store.ConfigureAwait(false);
        // Disposed (its netlink sockets closed) after the controller.
        var sandboxes = await SandboxSetup.TryCreateAsync(options, logger).ConfigureAwait(false);
        using var sandboxLifetime = sandboxes as IDisposable;
        if (sandboxes is null)
        {
            return 1;
        }

        var linux = await LinuxDriverSetup.CreateAsync(options, loggerFactory).ConfigureAwait(false);
        await using var linuxLifetime = LinuxDriverSetup.Lifetime(linux).ConfigureAwait(false);
        Controller controller;
        try
        {
            var controllerOptions = new ControllerOptions
            {
                Sandboxes = sandboxes,
                Store = store,
                AfterStep = CrashHook.FromEnvironment(),
            };
            foreach (var name in options.ReplayCreateNetwork ?? [])
            {
                controllerOptions.ReplayCreateNetwork.Add(name);
            }

            controller = await Controller.CreateAsync(controllerOptions, [new BuiltInDriverModule(), .. LinuxDriverSetup.Modules(linux), remote], loggerFactory).ConfigureAwait(false);
            await LinuxDriverSetup.RestoreAsync(linux, controller).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await Console.Error.WriteLineAsync($"cnmd: error: {ex.Message}").ConfigureAwait(false);
            return 1;
        }

        // Stops delivering pending driver calls before the store closes (disposed in reverse order).
        await using var controllerLifetime = controller.ConfigureAwait(false);
        // Network events come from the store's watch, so every path that changes a network or endpoint is seen.
        var events = new EventHub();
        var eventSource = new NetworkEventSource(store, events, TimeProvider.System, loggerFactory.CreateLogger("Cnm.Daemon.Events"));
        await using var eventLifetime = eventSource.ConfigureAwait(false);
        await eventSource.StartAsync(CancellationToken.None).ConfigureAwait(false);

        app.UseDockerApiConventions();
        app.UseRouting();
        app.MapDockerSystem(new InfoBuilder(controller, registry, events, options.DataRoot, options.MinimumLevel <= LogLevel.Debug));
        app.MapDockerEvents(events, TimeProvider.System);
        app.MapDockerContainers(controller);
        app.MapDockerNetworks(controller, LinuxDriverSetup.DefaultDriver(controller));
        app.MapNativeSandboxes(controller);
        app.MapNativeEndpoints(controller);
        app.MapNativePlugins(registry, controller);
        app.MapNativeIpam(controller);
        app.MapNativeSystem(store, controller, options.InMemoryStore ? NativeApi.SystemEndpoints.InMemoryStateFile : options.StorePath);
        app.MapCnmOpenApi();
        app.MapPrometheusScrapingEndpoint("/metrics").ExcludeFromDescription();
        app.MapFallback((HttpContext context) =>
            ApiMiddleware.WriteErrorAsync(context, StatusCodes.Status404NotFound, $"page not found: {context.Request.Method} {context.Request.Path}"))
            .ExcludeFromDescription();

        app.Lifetime.ApplicationStarted.Register(() => OnListening(app, options, logger, LinuxDriverSetup.DefaultDriver(controller)));
        app.Lifetime.ApplicationStopped.Register(() =>
        {
            foreach (var path in options.SocketPaths)
            {
                TryDelete(path);
            }
        });
        try
        {
            await app.RunAsync().ConfigureAwait(false);
            return 0;
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or System.Net.Sockets.SocketException)
        {
            await Console.Error.WriteLineAsync($"cnmd: error: cannot serve on {string.Join(", ", listeners)}: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
    }

    private static void OnListening(WebApplication app, DaemonOptions options, ILogger logger, string defaultDriver)
    {
        // The bound addresses, with the port Kestrel chose for tcp://…:0.
        var addresses = options.SocketPaths.Select(p => "unix://" + p).ToList();
        var server = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>();
        var bound = server.Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()?.Addresses ?? [];
        addresses.AddRange(bound.Where(a => a.StartsWith("https://", StringComparison.Ordinal)).Select(a => "tcp://" + a["https://".Length..]));
        var listening = string.Join(", ", addresses);
        Log.Listening(logger, listening, options.PluginDir, options.SpecDirectories, defaultDriver);
        Console.Out.WriteLine($"cnmd ready on {listening}");
        Console.Out.Flush();
    }

    private static void TryDelete(string socket)
    {
        try
        {
            File.Delete(socket);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Nothing to do: the next start removes a stale socket.
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.Listening, Level = LogLevel.Information,
            Message = "API listening on {Addresses}; plugin sockets in {PluginDir}, spec files in {SpecDirs}; default driver {DefaultDriver}")]
        public static partial void Listening(ILogger logger, string addresses, string pluginDir, IReadOnlyList<string> specDirs, string defaultDriver);

        [LoggerMessage(EventId = EventIds.InMemoryStore, Level = LogLevel.Warning,
            Message = "--store memory: state is kept in memory only; every network, endpoint and sandbox is lost when cnmd stops")]
        public static partial void InMemoryStore(ILogger logger);
    }
}
