using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cnm.DaemonBench;

/// <summary>
/// The transport floor of the network cycle: a stand-in daemon on the same stack as cnmd (Kestrel on a unix socket,
/// inline socket completions and inline scheduling, SocketsHttpHandler to the plugin) that does nothing but the
/// cycle's HTTP. <c>POST /networks/create</c> parses the body and makes the three calls cnmd makes (RequestPool,
/// RequestAddress for the gateway, CreateNetwork) with bodies of the same shape, parsing each answer;
/// <c>DELETE /networks/{id}</c> makes the other three (DeleteNetwork, ReleaseAddress, ReleasePool). No controller, no
/// IPAM, no store, no validation, no logging, no metrics: what it costs per plugin call is what any daemon on this
/// stack pays on this machine before doing any work of its own. Started with cnmd's arguments (tests/bench-daemon-ab.sh
/// passes them): it reads <c>--host unix://PATH</c> and <c>--plugin-dir</c> (the one <c>*.sock</c> there) and ignores
/// the rest. Not a daemon anyone should run: one network at a time per connection, nothing checked.
/// </summary>
internal static class FloorDaemon
{
    public static async Task<int> RunAsync(string[] args)
    {
        var host = Value(args, "--host") ?? throw new ArgumentException("floor: --host unix://PATH is required");
        var socket = host.StartsWith("unix://", StringComparison.Ordinal) ? host["unix://".Length..]
            : throw new ArgumentException($"floor: --host {host}: only unix:// is served");
        var pluginDir = Value(args, "--plugin-dir") ?? throw new ArgumentException("floor: --plugin-dir is required");
        var pluginSocket = Directory.EnumerateFiles(pluginDir, "*.sock").Single();

        // As cnmd sets them for itself (spec/performance.md, "Fewer thread hops per plugin call").
        Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseSockets(transport => transport.UnsafePreferInlineScheduling = true);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenUnixSocket(socket));
        await using var app = builder.Build();
        using var plugin = UnixHttp.Create(pluginSocket);
        var ids = 0L;
        app.MapGet("/_ping", () => Results.Text("OK"));
        app.MapPost("/{version}/networks/create", async (HttpContext context) =>
        {
            using var request = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
            _ = request.RootElement.GetProperty("Name").GetString(); // cnmd reads it too
            var id = Interlocked.Increment(ref ids).ToString("x64", CultureInfo.InvariantCulture);
            var pool = await CallAsync(plugin, "IpamDriver.RequestPool",
                """{"AddressSpace":"benchLocal","Pool":"","SubPool":"","Options":{},"V6":false}""", "PoolID").ConfigureAwait(false);
            var gateway = await CallAsync(plugin, "IpamDriver.RequestAddress",
                $$$"""{"PoolID":"{{{pool}}}","Address":"","Options":{"RequestAddressType":"com.docker.network.gateway"}}""", "Address").ConfigureAwait(false);
            await CallAsync(plugin, "NetworkDriver.CreateNetwork",
                $$$"""{"NetworkID":"{{{id}}}","Options":{"com.docker.network.enable_ipv6":false,"com.docker.network.generic":{}},"IPv4Data":[{"AddressSpace":"benchLocal","Gateway":"{{{gateway}}}","Pool":"{{{pool}}}.0/24"}],"IPv6Data":[]}""",
                null).ConfigureAwait(false);
            Networks[id] = (pool!, gateway!);
            context.Response.StatusCode = StatusCodes.Status201Created;
            await context.Response.WriteAsJsonAsync(new FloorCreated(id, ""), FloorJson.Default.FloorCreated).ConfigureAwait(false);
        });
        app.MapDelete("/{version}/networks/{id}", async (string id, HttpContext context) =>
        {
            if (!Networks.TryRemove(id, out var network))
            {
                return Results.NotFound();
            }

            await CallAsync(plugin, "NetworkDriver.DeleteNetwork", $$"""{"NetworkID":"{{id}}"}""", null).ConfigureAwait(false);
            await CallAsync(plugin, "IpamDriver.ReleaseAddress", $$"""{"PoolID":"{{network.Pool}}","Address":"{{network.Gateway.Split('/')[0]}}"}""", null).ConfigureAwait(false);
            await CallAsync(plugin, "IpamDriver.ReleasePool", $$"""{"PoolID":"{{network.Pool}}"}""", null).ConfigureAwait(false);
            return Results.NoContent();
        });
        await app.StartAsync().ConfigureAwait(false);
        Console.WriteLine($"cnm-daemonbench floor ready on {socket}, plugin {pluginSocket}");
        await app.WaitForShutdownAsync().ConfigureAwait(false);
        return 0;
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, (string Pool, string Gateway)> Networks = new(StringComparer.Ordinal);

    /// <summary>One plugin call: POST, read and parse the answer; <paramref name="field"/>'s string value, if asked.</summary>
    private static async Task<string?> CallAsync(HttpClient plugin, string method, string body, string? field)
    {
        using var content = new StringContent(body, Encoding.UTF8, CountingPlugin.ContentType);
        using var response = await plugin.PostAsync(new Uri("/" + method, UriKind.Relative), content).ConfigureAwait(false);
        var bytes = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new HttpRequestException($"floor: {method}: {(int)response.StatusCode} {Encoding.UTF8.GetString(bytes)}");
        }

        using var answer = JsonDocument.Parse(bytes);
        return field is null ? null : answer.RootElement.GetProperty(field).GetString();
    }

    private static string? Value(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}

internal sealed record FloorCreated(string Id, string Warning);

[System.Text.Json.Serialization.JsonSerializable(typeof(FloorCreated))]
internal sealed partial class FloorJson : System.Text.Json.Serialization.JsonSerializerContext;
