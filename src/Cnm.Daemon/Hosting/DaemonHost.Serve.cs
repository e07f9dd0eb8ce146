using Cnm.Core.Control;
using Cnm.Core.Drivers.BuiltIn;
using Cnm.Core.Store;
using Cnm.Daemon.ApiDocs;
using Cnm.Daemon.DockerApi;
using Cnm.Daemon.DockerApi.Containers;
using Cnm.Daemon.DockerApi.Events;
using Cnm.Daemon.NativeApi;
using Cnm.Drivers.Remote;
using Cnm.Plugins.Registry;
using Cnm.Store.Sqlite;

namespace Cnm.Daemon.Hosting;

/// <summary>Serving: the store, the sandboxes and the controller, composed in the order they are disposed in reverse, and the API's routes.</summary>
internal static partial class DaemonHost
{
    private static async Task<int> ServeAsync(IConfiguration configuration, DaemonOptions options, IReadOnlyList<ListenAddress> listeners,
        List<System.Net.Sockets.Socket> sockets, TlsMaterial? tls)
    {
        var app = CreateBuilder(configuration, options, listeners, sockets, tls).Build();
        await using var appLifetime = app.ConfigureAwait(false);
        using var tracing = TracePropagation.Start();
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
        ClusterSetup? cluster = null;
        if (options.ClusterStoreOptions is not null)
        {
            try
            {
                cluster = await ClusterSetup.ConnectAsync(options, store, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                await Console.Error.WriteLineAsync($"cnmd: error: --cluster-store {options.ClusterStore}: {ex.Message}").ConfigureAwait(false);
                return 1;
            }
        }

        // Disposed after the controller: the cluster sync stops first, then the etcd client closes.
        await using var clusterLifetime = ClusterSetup.Lifetime(cluster).ConfigureAwait(false);
        IKeyValueStore controllerStore = cluster is null ? store : cluster.Store;
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
                Store = controllerStore,
                GlobalScope = cluster is not null,
                StoreOutlivesProcess = !options.InMemoryStore,
                AfterStep = CrashHook.FromEnvironment(),
            };
            foreach (var name in options.ReplayCreateNetwork ?? [])
            {
                controllerOptions.ReplayCreateNetwork.Add(name);
            }

            controller = await Controller.CreateAsync(controllerOptions, [new BuiltInDriverModule(cluster?.Ipam), .. LinuxDriverSetup.Modules(linux), remote], loggerFactory).ConfigureAwait(false);
            await LinuxDriverSetup.RestoreAsync(linux, controller).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await Console.Error.WriteLineAsync($"cnmd: error: {ex.Message}").ConfigureAwait(false);
            return 1;
        }

        // Stops delivering pending driver calls before the store closes (disposed in reverse order).
        await using var controllerLifetime = controller.ConfigureAwait(false);
        // Stops following the cluster before the controller is disposed.
        await using var syncLifetime = ClusterSetup.StartSync(cluster, controller, loggerFactory.CreateLogger("Cnm.Cluster")).ConfigureAwait(false);
        // Disposed first on a clean stop: the lease is revoked, so the other nodes see this one go at once.
        Cnm.Core.Cluster.ClusterMembership? membership;
        try
        {
            membership = await ClusterSetup.StartMembershipAsync(cluster, options, controller, loggerFactory, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await Console.Error.WriteLineAsync($"cnmd: error: cluster membership on {options.ClusterStore}: {ex.Message}").ConfigureAwait(false);
            return 1;
        }

        if (cluster is not null && membership is null)
        {
            Log.NoMembership(logger);
        }

        await using var membershipLifetime = ((IAsyncDisposable?)membership ?? ClusterSetup.Lifetime(null)).ConfigureAwait(false);
        // Network events come from the local store's watch, so every path that changes a local network or endpoint is seen (global ones
        // change in the cluster store, which has no events yet: spec/cluster.md, "Watches").
        var events = new EventHub();
        var eventSource = new NetworkEventSource(store, events, TimeProvider.System, loggerFactory.CreateLogger("Cnm.Daemon.Events"));
        await using var eventLifetime = eventSource.ConfigureAwait(false);
        await eventSource.StartAsync(CancellationToken.None).ConfigureAwait(false);

        // After a burst of requests, once the API is quiet, the burst's garbage is given back to the OS.
        using var idleMemory = new IdleMemory(TimeProvider.System, loggerFactory.CreateLogger("Cnm.Daemon.Memory"));
        MapApi(app, controller, registry, events, store, options, idleMemory);

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

    private static void MapApi(WebApplication app, Controller controller, PluginRegistry registry, EventHub events,
        IKeyValueStore store, DaemonOptions options, IdleMemory idleMemory)
    {
        app.UseDockerApiConventions(idleMemory);
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
            ApiMiddleware.WriteErrorAsync(context, StatusCodes.Status404NotFound, EngineRoutes.NotFoundMessage(context.Request.Method, context.Request.Path.Value ?? "")))
            .ExcludeFromDescription();
    }
}
