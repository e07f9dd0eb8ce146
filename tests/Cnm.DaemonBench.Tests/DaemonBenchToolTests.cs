using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Cnm.DaemonBench.Tests;

/// <summary>
/// The issue 15 benchmark's tools work, so that tests/bench-daemon.sh does not rot: the counting plugin counts the
/// calls it handles, and the client drives a real cnmd through the plugin and reports the plugin calls of each cycle.
/// No timing is asserted.
/// </summary>
public sealed class DaemonBenchToolTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120); // generous: the machine may be busy

    [Fact]
    public async Task Plugin_HandlesCalls_CountersCountEachCallByMethod()
    {
        using var temp = new TempDirectory("cnmdb");
        var socket = temp.File("p.sock");
        using var plugin = BenchTool.Start("plugin", socket);
        await plugin.WaitForFileAsync(socket, Deadline);
        using var http = UnixClient(socket);

        var activate = await PostAsync(http, "Plugin.Activate", "{}");
        Assert.Contains("IpamDriver", activate, StringComparison.Ordinal);
        var pool1 = await PostAsync(http, "IpamDriver.RequestPool", """{"AddressSpace":"benchLocal"}""");
        var pool2 = await PostAsync(http, "IpamDriver.RequestPool", """{"AddressSpace":"benchLocal"}""");
        Assert.NotEqual(PoolOf(pool1), PoolOf(pool2)); // 1,000 live networks must not overlap
        var gateway = await PostAsync(http, "IpamDriver.RequestAddress",
            $$$"""{"PoolID":"{{{PoolIdOf(pool1)}}}","Options":{"RequestAddressType":"com.docker.network.gateway"}}""");
        Assert.Equal(PoolOf(pool1).Replace(".0/24", ".1/24", StringComparison.Ordinal), AddressOf(gateway));
        await PostAsync(http, "NetworkDriver.CreateNetwork", """{"NetworkID":"n1"}""");

        using var counters = JsonDocument.Parse(await http.GetStringAsync(new Uri("/bench/counters", UriKind.Relative)));
        var root = counters.RootElement;
        Assert.Equal(5, root.GetProperty("Calls").GetInt64());
        Assert.True(root.GetProperty("Seconds").GetDouble() > 0);
        // Socket to socket: the same 5 requests, not this GET (on the same connection).
        Assert.Equal(5, root.GetProperty("SocketCalls").GetInt64());
        Assert.True(root.GetProperty("SocketSeconds").GetDouble() > 0);
        var methods = root.GetProperty("Methods");
        Assert.Equal(2, methods.GetProperty("IpamDriver.RequestPool").GetProperty("Calls").GetInt64());
        Assert.Equal(1, methods.GetProperty("NetworkDriver.CreateNetwork").GetProperty("Calls").GetInt64());
        Assert.Equal(4, methods.EnumerateObject().Count()); // GET /bench/counters itself is not counted
    }

    [Fact]
    public async Task Client_AgainstCnmd_ReportsThePluginCallsOfEachCycle()
    {
        using var temp = new TempDirectory("cnmdb");
        var pluginDir = temp.CreateDirectory("plugins");
        var pluginSocket = Path.Combine(pluginDir, "benchp.sock");
        using var plugin = BenchTool.Start("plugin", pluginSocket);
        await plugin.WaitForFileAsync(pluginSocket, Deadline);
        var api = temp.File("d.sock");
        using var cnmd = DaemonProcess.Start(["--host", "unix://" + api, "--plugin-dir", pluginDir, "--spec-dir", temp.File("s"),
            "--data-root", temp.File("data"), "--exec-root", temp.File("exec"), "--store", "memory", "--sandbox", "memory"]);
        await cnmd.WaitReadyAsync();

        using var client = BenchTool.Start("run", "--target", "cnmd=cnmd:" + api, "--plugin-socket", pluginSocket, "--driver", "benchp",
            "--cycles", "4", "--rounds", "2", "--warmup", "2", "--clients", "2");
        Assert.True(await client.WaitExitAsync(Deadline) == 0, client.Output);

        var rows = client.Output.Split('\n').Where(l => l.StartsWith("| … plugin calls per cycle |", StringComparison.Ordinal)).ToList();
        Assert.True(rows.Count == 2, client.Output); // the network and the endpoint cycle
        // A network cycle on a plugin that is driver and IPAM: RequestPool, RequestAddress (gateway), CreateNetwork,
        // DeleteNetwork, ReleaseAddress, ReleasePool (spec/performance.md).
        Assert.Equal("| … plugin calls per cycle | 6 |", rows[0].TrimEnd());
        Assert.Contains("GET /_ping", client.Output, StringComparison.Ordinal);
        // Both definitions of host time are reported, each as a number of µs.
        Assert.Matches(@"\| … host time per plugin call: \(median cycle − plugin time\) / calls \| -?\d+ µs \|", client.Output);
        Assert.Matches(@"\| … host time per plugin call, socket to socket: \(median cycle − plugin socket time\) / calls \| -?\d+ µs \|", client.Output);
    }

    [Fact]
    public async Task Timeline_AgainstTheFloor_SplitsEachCycleOfItsSixPluginCalls()
    {
        using var temp = new TempDirectory("cnmdb");
        var pluginDir = temp.CreateDirectory("plugins");
        var pluginSocket = Path.Combine(pluginDir, "benchp.sock");
        using var plugin = BenchTool.Start(new Dictionary<string, string> { ["CNM_BENCH_TIMELINE"] = "1" }, "plugin", pluginSocket);
        await plugin.WaitForFileAsync(pluginSocket, Deadline);
        var api = temp.File("floor.sock");
        // cnmd's arguments, as tests/bench-daemon-ab.sh passes them: the floor reads --host and --plugin-dir only.
        using var floor = BenchTool.Start("floor", "--host", "unix://" + api, "--data-root", temp.File("data"), "--plugin-dir", pluginDir,
            "--store", "memory");
        await floor.WaitForFileAsync(api, Deadline);

        using var timeline = BenchTool.Start("timeline", "--target", "floor=cnmd:" + api, "--plugin-socket", pluginSocket, "--driver", "benchp",
            "--cycles", "5", "--warmup", "2");

        // The timeline fails unless the plugin saw exactly six calls per cycle, in the cycle's order.
        Assert.True(await timeline.WaitExitAsync(Deadline) == 0, timeline.Output + "\nfloor:\n" + floor.Output);
        Assert.Contains("timeline of floor: 5 cycles after 2 warm-up cycles", timeline.Output, StringComparison.Ordinal);
        Assert.Matches(@"create: request sent -> RequestPool arrives +\d+\.\d", timeline.Output);
        Assert.Matches(@"ReleasePool answered -> response received +\d+\.\d", timeline.Output);
        using var http = UnixClient(pluginSocket);
        using var counters = JsonDocument.Parse(await http.GetStringAsync(new Uri("/bench/counters", UriKind.Relative)));
        var methods = counters.RootElement.GetProperty("Methods");
        Assert.Equal(7, methods.GetProperty("IpamDriver.RequestPool").GetProperty("Calls").GetInt64());
        Assert.Equal(7, methods.GetProperty("IpamDriver.ReleasePool").GetProperty("Calls").GetInt64());
        Assert.Equal(42, counters.RootElement.GetProperty("Calls").GetInt64());
    }

    private static HttpClient UnixClient(string socket) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (_, ct) =>
        {
            var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await s.ConnectAsync(new UnixDomainSocketEndPoint(socket), ct);
            return new NetworkStream(s, ownsSocket: true);
        },
    }) { BaseAddress = new Uri("http://localhost") };

    private static async Task<string> PostAsync(HttpClient http, string method, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/vnd.docker.plugins.v1.2+json");
        using var response = await http.PostAsync(new Uri("/" + method, UriKind.Relative), content);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{method}: {(int)response.StatusCode} {text}");
        return text;
    }

    private static string PoolOf(string json) => JsonDocument.Parse(json).RootElement.GetProperty("Pool").GetString()!;

    private static string PoolIdOf(string json) => JsonDocument.Parse(json).RootElement.GetProperty("PoolID").GetString()!;

    private static string AddressOf(string json) => JsonDocument.Parse(json).RootElement.GetProperty("Address").GetString()!;
}
