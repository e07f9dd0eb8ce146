using System.Diagnostics;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cnm.DaemonBench;

/// <summary>
/// The benchmark's plugin process: network driver and IPAM (<see cref="PluginAnswers"/>) on one or more unix sockets
/// (dockerd looks in /run/docker/plugins, cnmd in its --plugin-dir), one set of counters for all of them.
/// <c>GET /bench/counters</c> returns the counters (<see cref="PluginCounters.ToJson"/>); it is not counted.
/// </summary>
internal static class CountingPlugin
{
    /// <summary>The plugin protocol's media type, of the plugin's answers and of the floor's requests.</summary>
    internal const string ContentType = "application/vnd.docker.plugins.v1.2+json";

    public static async Task<int> RunAsync(string[] sockets)
    {
        // CNM_BENCH_PLUGIN_INLINE=1: socket completions and Kestrel's scheduling inline, as cnmd runs them, so that
        // fewer of the plugin's own thread hops count as the daemon's host time (spec/performance.md, "The benchmark's
        // plugin, inline"). Off by default, so that the script's figures stay comparable with earlier runs.
        var inline = Environment.GetEnvironmentVariable("CNM_BENCH_PLUGIN_INLINE") == "1";
        if (inline)
        {
            Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseSockets(transport => transport.UnsafePreferInlineScheduling = inline);
        var counters = new PluginCounters();
        var clock = new SocketClock(counters);
        builder.Logging.ClearProviders();
        // CNM_BENCH_PLUGIN_LOG=1: Kestrel's connection and request logs on stderr, to see why a connection ended.
        if (Environment.GetEnvironmentVariable("CNM_BENCH_PLUGIN_LOG") == "1")
        {
            builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
            builder.Logging.SetMinimumLevel(LogLevel.Debug);
        }

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            foreach (var socket in sockets)
            {
                if (File.Exists(socket))
                {
                    File.Delete(socket); // a stale socket file of an earlier run
                }

                kestrel.ListenUnixSocket(socket, listen => listen.Use(clock.Middleware));
            }
        });
        await using var app = builder.Build();
        app.MapGet("/bench/counters", () => Results.Bytes(counters.ToJson(), "application/json"));
        app.MapGet("/bench/timeline", () => Results.Text(string.Join('\n', (counters.Timeline ?? []).Select(t => $"{t.Start} {t.End} {t.Method}"))));
        app.MapPost("/{method}", (string method, HttpContext context) => HandleAsync(method, context, counters, clock));
        await app.StartAsync().ConfigureAwait(false);
        Console.WriteLine($"cnm-daemonbench plugin ready on {string.Join(' ', sockets)}");
        await app.WaitForShutdownAsync().ConfigureAwait(false);
        foreach (var socket in sockets)
        {
            File.Delete(socket);
        }

        return 0;
    }

    private static async Task HandleAsync(string method, HttpContext context, PluginCounters counters, SocketClock clock)
    {
        var start = Stopwatch.GetTimestamp();
        clock.MarkCounted(context.Connection.Id, method);
        var body = await ReadBodyAsync(context.Request).ConfigureAwait(false);
        var answer = PluginAnswers.Answer(method, body);
        var response = context.Response;
        if (answer is null)
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            answer = $$"""{"Err":"cnm-daemonbench: {{method}} is not implemented"}""";
        }

        var bytes = Encoding.UTF8.GetBytes(answer);
        response.ContentType = ContentType;
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
        await response.CompleteAsync().ConfigureAwait(false);
        counters.Add(method, Stopwatch.GetTimestamp() - start);
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted).ConfigureAwait(false);
        return buffer.ToArray();
    }
}
