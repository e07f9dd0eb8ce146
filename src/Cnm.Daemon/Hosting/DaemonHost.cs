using Cnm.Core.Control;
using Cnm.Core.Drivers;
using Cnm.Core.Drivers.BuiltIn;
using Cnm.Core.Sandboxes;
using Cnm.Daemon.ApiDocs;
using Cnm.Daemon.DockerApi;
using Cnm.Daemon.NativeApi;
using Cnm.Drivers.Remote;
using Cnm.Plugins;
using Cnm.Plugins.Client;
using Cnm.Plugins.Registry;
using Microsoft.Extensions.Logging.Console;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Cnm.Daemon.Hosting;

/// <summary>
/// The composition root: options and start-up checks, the controller over the built-in and remote driver
/// modules, the plugin watcher, and the API on the unix socket. Prints <c>cnmd ready on unix://…</c> to
/// stdout once the socket is listening (and tells systemd); logs go to stderr.
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

        DaemonOptions options;
        IConfiguration configuration;
        try
        {
            (configuration, options) = DaemonConfiguration.Load(args);
            options.Validate();
            Preflight.Run(options);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync($"cnmd: error: {ex.Message}").ConfigureAwait(false);
            return 1;
        }

        var socket = options.SocketPath;
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
            kestrel.ListenUnixSocket(socket);
            kestrel.AddServerHeader = false;
        });
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
        Controller controller;
        try
        {
            controller = await Controller.CreateAsync(
                new ControllerOptions { Sandboxes = new InMemorySandboxProvider(Path.Combine(options.ExecRoot, "netns")) }, [new BuiltInDriverModule(), remote], loggerFactory)
                .ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await Console.Error.WriteLineAsync($"cnmd: error: {ex.Message}").ConfigureAwait(false);
            return 1;
        }

        app.UseDockerApiConventions();
        app.UseRouting();
        app.MapDockerSystem();
        app.MapDockerNetworks(controller);
        app.MapNativeSandboxes(controller);
        app.MapNativeEndpoints(controller);
        app.MapNativePlugins(registry, controller);
        app.MapNativeIpam(controller);
        app.MapCnmOpenApi();
        app.MapPrometheusScrapingEndpoint("/metrics").ExcludeFromDescription();
        app.MapFallback((HttpContext context) =>
            ApiMiddleware.WriteErrorAsync(context, StatusCodes.Status404NotFound, $"page not found: {context.Request.Method} {context.Request.Path}"))
            .ExcludeFromDescription();

        app.Lifetime.ApplicationStarted.Register(() => OnListening(socket, options, logger));
        app.Lifetime.ApplicationStopped.Register(() => TryDelete(socket));
        try
        {
            await app.RunAsync().ConfigureAwait(false);
            return 0;
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or System.Net.Sockets.SocketException)
        {
            await Console.Error.WriteLineAsync($"cnmd: error: cannot serve on unix://{socket}: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
    }

    private static void OnListening(string socket, DaemonOptions options, ILogger logger)
    {
        try
        {
            // Kestrel creates the socket under the process umask; the API is for root and the socket's group.
            File.SetUnixFileMode(socket, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Log.SocketModeFailed(logger, socket, ex);
        }

        Log.Listening(logger, socket, options.PluginDir, options.SpecDirectories, BuiltInDrivers.Null);
        Console.Out.WriteLine($"cnmd ready on unix://{socket}");
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
        [LoggerMessage(EventId = 1, Level = LogLevel.Information,
            Message = "API listening on unix://{Socket}; plugin sockets in {PluginDir}, spec files in {SpecDirs}; default driver {DefaultDriver}")]
        public static partial void Listening(ILogger logger, string socket, string pluginDir, IReadOnlyList<string> specDirs, string defaultDriver);

        [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "Could not set mode 0660 on {Socket}")]
        public static partial void SocketModeFailed(ILogger logger, string socket, Exception exception);
    }
}
