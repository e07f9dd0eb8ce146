using System.Diagnostics;
using System.Net;
using System.Runtime.Versioning;
using System.Text.Json;
using Cnm.Protocol;
using Cnm.Testing;
using Xunit.Abstractions;
using static Cnm.Daemon.Tests.NativeEndpointTests;

namespace Cnm.Daemon.Tests;

/// <summary>
/// Issue 5, missing plugin at start-up: cnmd restarted with 50 networks whose plugin (network driver and IPAM) is
/// absent answers its API at once, shows the networks as waiting for the plugin, and makes them work with no user
/// action when the plugin's socket appears (spec/store.md, "Restore at start-up").
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class MissingPluginStartupTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Plugin = "p";
    private const int NetworkCount = 50;

    private readonly DaemonLayout _layout = new("cnmd-waiting");
    private readonly List<DaemonProcess> _daemons = [];
    private RecordingPlugin _plugin = null!;

    private string Socket => _layout.Socket;

    private IEnumerable<string> Args => _layout.Args;

    public async Task InitializeAsync() =>
        _plugin = await RecordingPlugin.StartAsync(Path.Combine(_layout.PluginDir, Plugin + ".sock"));

    public async Task DisposeAsync()
    {
        _daemons.ForEach(d => d.Dispose()); // kills, by PID, any cnmd a failed assertion left running
        await _plugin.DisposeAsync();
        _layout.Dispose();
    }

    [Fact]
    public async Task Restart_PluginAbsent_ApiAtOnceNetworksWaiting_ThenWorkWhenSocketAppears()
    {
        using (var first = DaemonProcess.Start(Args))
        {
            await first.WaitReadyAsync();
            using var http = DaemonFixture.CreateClient(Socket);
            for (var i = 0; i < NetworkCount; i++)
            {
                using var response = await http.PostAsync("/networks/create",
                    Body($$$"""{"Name":"w{{{i:00}}}","Driver":"{{{Plugin}}}","IPAM":{"Driver":"{{{Plugin}}}"}}"""));
                await ReadAsync(response, HttpStatusCode.Created);
            }

            Assert.Equal(0, await first.TerminateAsync(TimeSpan.FromSeconds(20)));
        }

        Assert.Equal(NetworkCount, _plugin.Networks.Count);
        await _plugin.StopAsync();
        Assert.False(File.Exists(_plugin.SocketPath));
        _plugin.ClearCalls();

        // A behavioural bound with a margin: a start-up that waited for the absent plugin would wait out its retries
        // (about 15 s) every time. The machine is shared, so a start slowed by other work is tried again (up to 3
        // starts, each printed). The quiet-machine figure is in spec/performance.md, not here.
        var native = DaemonProcess.NativeDaemon is not null;
        var bound = native ? TimeSpan.FromSeconds(3) : TimeSpan.FromSeconds(12); // JIT start-up is slower
        var (second, networks, listed) = await StartMeasuredAsync(native);
        for (var attempt = 2; listed >= bound && attempt <= 3; attempt++)
        {
            Assert.Equal(0, await second.TerminateAsync(TimeSpan.FromSeconds(20)));
            (second, networks, listed) = await StartMeasuredAsync(native);
        }

        var daemon = second;
        using var client = DaemonFixture.CreateClient(Socket);
        Assert.True(listed < bound, $"cnmd answered after {listed.TotalMilliseconds:0} ms in the last of 3 starts; the bound is {bound.TotalSeconds} s");

        Assert.Equal(NetworkCount, networks.GetArrayLength());
        foreach (var network in networks.EnumerateArray())
        {
            var status = network.GetProperty("CnmStatus");
            Assert.Equal("waiting", status.GetProperty("State").GetString());
            Assert.Equal([Plugin], status.GetProperty("Plugins").EnumerateArray().Select(p => p.GetString()));
            Assert.StartsWith($"waiting for plugin \"{Plugin}\" (network driver and IPAM driver): its socket ({Plugin}.sock) or spec file is not in ",
                status.GetProperty("Message").GetString(), StringComparison.Ordinal);
        }

        // An operation on a waiting network fails at once (no connect retries: there is no socket) and says why.
        var clock = Stopwatch.StartNew();
        using (var refused = await client.PostAsync("/cnm/v1/endpoints", Body("""{"Network":"w03","Name":"early"}""")))
        {
            var text = await refused.Content.ReadAsStringAsync();
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"refused after {clock.Elapsed}, not at once");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Contains($"network w03 is waiting for plugin \\\"{Plugin}\\\" (network driver and IPAM driver)", text, StringComparison.Ordinal);
        }

        Assert.Empty(_plugin.Calls);

        // The plugin comes back on the same socket: the watcher activates it, with no user action.
        await _plugin.StartAsync();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (States(await GetAsync(client, "/networks")).Any(s => s != "ready"))
        {
            Assert.True(DateTime.UtcNow < deadline, "the networks did not become ready within 15 s of the plugin's socket appearing");
            await Task.Delay(50);
        }

        var inspect = await GetAsync(client, "/networks/w07");
        Assert.Equal("""{"State":"ready"}""", inspect.GetProperty("CnmStatus").GetRawText());
        var endpoint = await CreateEndpointAsync(client, """{"Network":"w07","Name":"e1"}""");
        var endpointId = endpoint.GetProperty("Id").GetString()!;
        Assert.Equal("ready", endpoint.GetProperty("NetworkStatus").GetProperty("State").GetString());
        Assert.Single(_plugin.CallsTo(PluginMethods.Network.CreateEndpoint), c => c.Body.Contains(endpointId, StringComparison.Ordinal));
        Assert.Single(_plugin.CallsTo(PluginMethods.Ipam.RequestAddress));
        Assert.Contains(endpoint.GetProperty("Interface").GetProperty("Address").GetString()!.Split('/')[0], _plugin.Addresses);
        Assert.Equal(0, await daemon.TerminateAsync(TimeSpan.FromSeconds(20)));
    }

    /// <summary>Starts cnmd and measures spawn to the first answered <c>/_ping</c> and to an answered <c>GET /networks</c>.</summary>
    private async Task<(DaemonProcess Daemon, JsonElement Networks, TimeSpan Listed)> StartMeasuredAsync(bool native)
    {
        var clock = Stopwatch.StartNew();
        var daemon = DaemonProcess.Start(Args);
        _daemons.Add(daemon);
        using var client = DaemonFixture.CreateClient(Socket);
        await PingAsync(client, daemon);
        var ping = clock.Elapsed;
        var networks = await GetAsync(client, "/networks");
        var listed = clock.Elapsed;
        output.WriteLine($"cnmd ({(native ? "native" : "dotnet cnmd.dll")}), {NetworkCount} networks waiting for plugin {Plugin}: "
            + $"spawn to first /_ping answer {ping.TotalMilliseconds:0} ms, to GET /networks answered {listed.TotalMilliseconds:0} ms");
        return (daemon, networks, listed);
    }

    private static IEnumerable<string?> States(JsonElement networks) =>
        networks.EnumerateArray().Select(n => n.GetProperty("CnmStatus").GetProperty("State").GetString());

    /// <summary>Asks <c>/_ping</c> until it answers; fails with cnmd's output when cnmd exits or never answers.</summary>
    private static async Task PingAsync(HttpClient client, DaemonProcess daemon)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                using var response = await client.GetAsync("/_ping");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            Assert.True(DateTime.UtcNow < deadline, $"cnmd never answered /_ping\nstdout:\n{daemon.Stdout}\nstderr:\n{daemon.Stderr}");
            await Task.Delay(5);
        }
    }

    private static async Task<JsonElement> GetAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        return await ReadAsync(response, HttpStatusCode.OK);
    }
}
