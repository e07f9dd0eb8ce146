using Cnm.Core.Drivers;
using Cnm.Daemon.ApiDocs;
using Cnm.Plugins;
using Cnm.Plugins.Client;
using Microsoft.Extensions.Logging.Console;
using OpenTelemetry.Metrics;

namespace Cnm.Daemon.Hosting;

/// <summary>The web host: logging, Kestrel on the bound sockets and TLS ports, plugin discovery, telemetry and API docs.</summary>
internal static partial class DaemonHost
{
    /// <summary>The runtime's switch for socket completions on the event thread (spec/performance.md, "Fewer thread hops per plugin call").</summary>
    public const string InlineCompletionsVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    private static WebApplicationBuilder CreateBuilder(IConfiguration configuration, DaemonOptions options,
        IReadOnlyList<ListenAddress> listeners, List<System.Net.Sockets.Socket> sockets, TlsMaterial? tls)
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
            // ASP.NET Core's hosting logs only request start and finish (Information and Debug) under this category,
            // but opens a logging scope for every request while any level of it is on: off, it allocates none.
            builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        }

        builder.Services.Configure<ConsoleLoggerOptions>(_ => { });
        // With inline socket completions on (Program.cs), Kestrel also runs each connection's pipes and the request
        // inline, on the thread that completed the read: no hop to its I/O queues. Blocking work leaves that thread
        // first (Cnm.Core.BlockingWork). Off together when the user sets the variable to anything but 1.
        builder.WebHost.UseSockets(transport => transport.UnsafePreferInlineScheduling =
            Environment.GetEnvironmentVariable(InlineCompletionsVariable) == "1");
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

        // Metrics of plugin calls, scraped as Prometheus text at /metrics. Traces: only an API client's own W3C
        // traceparent is carried on to the plugin calls (TracePropagation, started in ServeAsync); no exporter.
        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics.AddMeter(PluginMetrics.Name, Cnm.Core.Cluster.ClusterMetrics.Name).AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0));

        builder.Services.AddCnmOpenApi();
        return builder;
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
        StartupMemory.ReleaseAfterStartup();
    }
}
