using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Cnm.Testing;

namespace Cnm.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project tests/Cnm.Benchmarks -- api [cycles] [rounds] [warm-up] [cnmd]</c>: network
/// create + delete cycles through a real cnmd over its unix socket, with one keep-alive HttpClient, (a) on the
/// null driver and (b) on a remote plugin that is both NetworkDriver and IpamDriver (an in-process mock on a
/// unix socket in the plugin directory). Default 500 cycles per round, 7 rounds, 2,000 warm-up cycles per
/// row (excluded); the rows take turns round by round; prints every round and the median, and the plugin's own time per call.
/// </summary>
internal static class ApiRunner
{
    private const string Plugin = "benchp";

    public static async Task<int> RunAsync(string[] args)
    {
        var cycles = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 500;
        var rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 7;
        var warmup = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 2000;
        var executable = args.Length > 3 ? args[3] : DaemonProcess.NativeDaemon;

        using var cnmd = BenchmarkDaemon.Start(executable);
        await using var plugin = await StartPluginAsync(Path.Combine(cnmd.PluginDir, Plugin + ".sock")).ConfigureAwait(false);
        await cnmd.WaitReadyAsync().ConfigureAwait(false);
        using var http = cnmd.CreateClient();
        var inPlugin = new TimingSet();
        plugin.Timer = (method, start, end) => inPlugin.Add(method, end - start);

        // One cycle on the plugin first: which calls does a cycle make?
        await CycleAsync(http, "probe", Plugin).ConfigureAwait(false);
        var perCycle = plugin.Requests.Select(r => r.ServiceMethod)
            .Where(m => m is not ("Plugin.Activate" or "NetworkDriver.GetCapabilities" or "IpamDriver.GetCapabilities"))
            .ToList();
        plugin.RecordRequests = false;

        var s = new StringBuilder();
        void Line(FormattableString text) => s.AppendLine(text.ToString(CultureInfo.InvariantCulture));
        Line($"Network create + delete through cnmd ({executable ?? "dotnet cnmd.dll, Release"}) on its unix socket, one keep-alive HttpClient;");
        Line($"{rounds} rounds of {cycles} cycles per driver, after {warmup} warm-up cycles; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        Line($"machine: {RuntimeInformation.OSDescription}, {Environment.ProcessorCount} logical cores, {RuntimeInformation.FrameworkDescription}; load average {File.ReadAllText("/proc/loadavg").Trim()}");
        Line($"plugin calls per cycle ({perCycle.Count}): {string.Join(", ", perCycle)}");
        Line($"");

        // The first row is the daemon's HTTP floor: two GET /_ping per cycle, the same request count as a cycle.
        // All rows warm up first, then take turns round by round, so that they all see the same machine.
        var rows = new[] { ("HTTP floor (2 x GET /_ping)", "ping"), ("null driver", "null"), ($"remote plugin {Plugin} (network + IPAM)", Plugin) };
        foreach (var (_, driver) in rows)
        {
            for (var i = 0; i < warmup; i++)
            {
                await CycleAsync(http, "w" + i, driver).ConfigureAwait(false);
            }
        }

        await Task.Delay(500).ConfigureAwait(false); // background tier-1 compilation in cnmd
        var perSecond = rows.Select(_ => new List<double>()).ToArray();
        var pluginUs = rows.Select(_ => new List<double>()).ToArray();
        var callsPerCycle = new double[rows.Length];
        for (var r = 0; r < rounds; r++)
        {
            for (var row = 0; row < rows.Length; row++)
            {
                var driver = rows[row].Item2;
                var calls0 = plugin.RequestCount;
                var (count0, ticks0) = (inPlugin.Count, inPlugin.Ticks);
                var start = Stopwatch.GetTimestamp();
                for (var i = 0; i < cycles; i++)
                {
                    await CycleAsync(http, $"r{r}c{i}", driver).ConfigureAwait(false);
                }

                var seconds = (Stopwatch.GetTimestamp() - start) / (double)Stopwatch.Frequency;
                perSecond[row].Add(cycles / seconds);
                callsPerCycle[row] = (plugin.RequestCount - calls0) / (double)cycles;
                var n = inPlugin.Count - count0;
                pluginUs[row].Add(n == 0 ? 0 : (inPlugin.Ticks - ticks0) * 1e6 / Stopwatch.Frequency / n);
            }
        }

        for (var row = 0; row < rows.Length; row++)
        {
            var median = StartupRunner.Median(perSecond[row]);
            var inv = CultureInfo.InvariantCulture;
            Line($"{rows[row].Item1}: median {median:0} cycles/s = {1000 / median:0.00} ms/cycle (rounds: min {perSecond[row].Min():0}, max {perSecond[row].Max():0}; {string.Join(" ", perSecond[row].Select(v => v.ToString("0", inv)))})");
            if (callsPerCycle[row] > 0)
            {
                var us = StartupRunner.Median(pluginUs[row]);
                Line($"  plugin calls per cycle {callsPerCycle[row]:0.##}; time in the plugin's handler per call: median {us:0} us, per cycle {us * callsPerCycle[row] / 1000:0.00} ms");
            }
        }

        Line($"cnmd RSS after the run: {cnmd.RssMegabytes():0.0} MB; load average {File.ReadAllText("/proc/loadavg").Trim()}");
        Console.Write(s.ToString());
        return 0;
    }

    internal static async Task CycleAsync(HttpClient http, string name, string driver)
    {
        if (driver == "ping")
        {
            for (var i = 0; i < 2; i++)
            {
                using var pong = await http.GetAsync(new Uri("/v1.41/_ping", UriKind.Relative)).ConfigureAwait(false);
                await pong.Content.ReadAsStringAsync().ConfigureAwait(false);
                pong.EnsureSuccessStatusCode();
            }

            return;
        }

        var body = driver == "null"
            ? $"{{\"Name\":\"{name}\",\"Driver\":\"null\"}}"
            : $"{{\"Name\":\"{name}\",\"Driver\":\"{driver}\",\"IPAM\":{{\"Driver\":\"{driver}\"}}}}";
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var created = await http.PostAsync(new Uri("/v1.41/networks/create", UriKind.Relative), content).ConfigureAwait(false);
        var text = await created.Content.ReadAsStringAsync().ConfigureAwait(false);
        if (!created.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"create {name}: {(int)created.StatusCode} {text}");
        }

        using var json = JsonDocument.Parse(text);
        var id = json.RootElement.GetProperty("Id").GetString();
        using var deleted = await http.DeleteAsync(new Uri($"/v1.41/networks/{id}", UriKind.Relative)).ConfigureAwait(false);
        if (!deleted.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"delete {name}: {(int)deleted.StatusCode} {await deleted.Content.ReadAsStringAsync().ConfigureAwait(false)}");
        }
    }

    /// <summary>The mock plugin: answers every call a network create + delete makes from constant replies.</summary>
    public static Task<PluginServer> StartPluginAsync(string socketPath) => PluginServer.StartUnixAsync(socketPath, s => s
        .Implements("NetworkDriver", "IpamDriver")
        .Map("NetworkDriver.GetCapabilities", PluginReply.Json("""{"Scope":"local"}"""))
        .Map("NetworkDriver.CreateNetwork", PluginReply.Json("{}"))
        .Map("NetworkDriver.DeleteNetwork", PluginReply.Json("{}"))
        .Map("IpamDriver.GetCapabilities", PluginReply.Json("""{"RequiresMACAddress":false}"""))
        .Map("IpamDriver.GetDefaultAddressSpaces", PluginReply.Json("""{"LocalDefaultAddressSpace":"benchLocal","GlobalDefaultAddressSpace":"benchGlobal"}"""))
        .Map("IpamDriver.RequestPool", PluginReply.Json("""{"PoolID":"benchpool","Pool":"10.77.0.0/24","Data":{}}"""))
        .Map("IpamDriver.RequestAddress", PluginReply.Json("""{"Address":"10.77.0.1/24","Data":{}}"""))
        .Map("IpamDriver.ReleaseAddress", PluginReply.Json("{}"))
        .Map("IpamDriver.ReleasePool", PluginReply.Json("{}")));
}
