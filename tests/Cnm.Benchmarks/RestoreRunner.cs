using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Cnm.Testing;

namespace Cnm.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project tests/Cnm.Benchmarks -- restore [networks] [endpoints-per-network] [starts] [cnmd] [data-root]</c>:
/// restore time. Seeds one data root through cnmd's API (default 1,000 networks on a remote network plugin with
/// the default built-in IPAM and a /24 each, 20 endpoints per network; 8 parallel keep-alive clients,
/// <c>--store-sync normal</c> while seeding), stops cnmd, then starts it on that data root <c>starts</c> times
/// (default 7) with the plugin present and as often with it absent (an empty plugin directory), taking turns,
/// after one unmeasured start of each. Measures process start → first answered <c>GET /_ping</c> and → the
/// readiness line, and RSS right after; checks that everything came back; then times restore's steps in this
/// process (<see cref="RestoreBreakdown"/>). A <c>data-root</c> that already holds a <c>cnm.db</c> is used as it
/// is (no seeding; it must hold what the counts say); an empty or missing one is seeded and kept, for reruns.
/// </summary>
internal static class RestoreRunner
{
    private const string Plugin = "restorep";
    private const int Clients = 8;

    public static async Task<int> RunAsync(string[] args)
    {
        var inv = CultureInfo.InvariantCulture;
        var networks = args.Length > 0 ? int.Parse(args[0], inv) : 1000;
        var endpoints = args.Length > 1 ? int.Parse(args[1], inv) : 20;
        var starts = args.Length > 2 ? int.Parse(args[2], inv) : 7;
        var executable = args.Length > 3 && args[3].Length > 0 ? args[3] : DaemonProcess.NativeDaemon;
        if (networks > 250 * 256)
        {
            throw new ArgumentException($"at most {250 * 256} networks (one /24 each in 10.0.0.0/8)");
        }

        using var temp = new TempDirectory("cnmrs");
        var withPlugin = temp.CreateDirectory("plugins");
        var withoutPlugin = temp.CreateDirectory("noplugins");
        await using var plugin = await StartPluginAsync(Path.Combine(withPlugin, Plugin + ".sock")).ConfigureAwait(false);
        plugin.RecordRequests = false;

        var dataRoot = args.Length > 4 ? Path.GetFullPath(args[4]) : temp.File("data");
        var stateFile = Path.Combine(dataRoot, "cnm.db");
        var seeded = File.Exists(stateFile);
        var seedWatch = Stopwatch.StartNew();
        if (!seeded)
        {
            using var seeder = BenchmarkDaemon.Start(executable, temp, ["--plugin-dir", withPlugin, "--store-sync", "normal", "--data-root", dataRoot]);
            await seeder.WaitReadyAsync().ConfigureAwait(false);
            await SeedAsync(seeder, networks, endpoints).ConfigureAwait(false);
            var code = await seeder.StopAsync().ConfigureAwait(false);
            if (code != 0)
            {
                throw new InvalidOperationException($"seeding cnmd exited {code}: {seeder.Stderr}");
            }
        }

        seedWatch.Stop();
        var s = new StringBuilder();
        void Line(FormattableString text) => s.AppendLine(text.ToString(inv));
        Line($"Restore: cnmd ({executable ?? "dotnet cnmd.dll, Release"}) started on a data root holding {networks} networks (remote driver {Plugin}, default IPAM, a /24 each)");
        Line($"with {endpoints} endpoints each ({networks * endpoints} endpoints); {(seeded ? "seeded before, in " + dataRoot : $"seeded through the API in {seedWatch.Elapsed.TotalSeconds:0.0} s")}; state file {new FileInfo(stateFile).Length / 1048576.0:0.0} MB");
        Line($"{starts} measured starts with the plugin present and {starts} with it absent, taking turns, after one unmeasured start of each; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        Line($"machine: {RuntimeInformation.OSDescription}, {Environment.ProcessorCount} logical cores; {FileSystemLine(stateFile)}; load average before {File.ReadAllText("/proc/loadavg").Trim()}");

        var kinds = new[] { ("plugin present", withPlugin), ("plugin absent", withoutPlugin) };
        var ping = kinds.Select(_ => new List<double>()).ToArray();
        var ready = kinds.Select(_ => new List<double>()).ToArray();
        var rss = kinds.Select(_ => new List<double>()).ToArray();
        for (var run = -1; run < starts; run++)
        {
            for (var k = 0; k < kinds.Length; k++)
            {
                using var cnmd = BenchmarkDaemon.Start(executable, temp, ["--plugin-dir", kinds[k].Item2, "--data-root", dataRoot]);
                var toPing = await cnmd.WaitPingAsync().ConfigureAwait(false);
                var toReady = await cnmd.WaitReadyAsync().ConfigureAwait(false);
                var megabytes = cnmd.RssMegabytes();
                if (run < 0)
                {
                    await VerifyAsync(cnmd, networks, endpoints).ConfigureAwait(false);
                }
                else
                {
                    ping[k].Add(toPing);
                    ready[k].Add(toReady);
                    rss[k].Add(megabytes);
                }

                var code = await cnmd.StopAsync().ConfigureAwait(false);
                if (code != 0)
                {
                    throw new InvalidOperationException($"cnmd exited {code}: {cnmd.Stderr}");
                }
            }
        }

        for (var k = 0; k < kinds.Length; k++)
        {
            Line($"{kinds[k].Item1}: start → first /_ping {Stats(ping[k], "0.000")} s; → ready line {Stats(ready[k], "0.000")} s; RSS right after {Stats(rss[k], "0.0")} MB");
        }

        Line($"load average after {File.ReadAllText("/proc/loadavg").Trim()}");
        Line($"{await RestoreBreakdown.MeasureAsync(stateFile).ConfigureAwait(false)}");
        Console.Write(s.ToString());
        return 0;
    }

    private static string Stats(List<double> values, string format)
    {
        var inv = CultureInfo.InvariantCulture;
        return string.Create(inv, $"median {StartupRunner.Median(values).ToString(format, inv)} (min {values.Min().ToString(format, inv)}, max {values.Max().ToString(format, inv)}; {string.Join(" ", values.Select(v => v.ToString(format, inv)))})");
    }

    private static string FileSystemLine(string path) => $"state file on {DurableRunner.FileSystemOf(path)}";

    /// <summary>Creates the networks and their endpoints with <see cref="Clients"/> parallel keep-alive clients.</summary>
    private static async Task SeedAsync(BenchmarkDaemon cnmd, int networks, int endpoints)
    {
        var next = -1;
        var workers = Enumerable.Range(0, Clients).Select(async _ =>
        {
            using var http = cnmd.CreateClient();
            int i;
            while ((i = Interlocked.Increment(ref next)) < networks)
            {
                var subnet = string.Create(CultureInfo.InvariantCulture, $"10.{i / 256}.{i % 256}.0/24");
                await PostAsync(http, "/networks/create", $$$"""{"Name":"n{{{i}}}","Driver":"{{{Plugin}}}","IPAM":{"Config":[{"Subnet":"{{{subnet}}}"}]}}""").ConfigureAwait(false);
                for (var j = 0; j < endpoints; j++)
                {
                    await PostAsync(http, "/cnm/v1/endpoints", $$"""{"Network":"n{{i}}","Name":"n{{i}}e{{j}}"}""").ConfigureAwait(false);
                }
            }
        });
        await Task.WhenAll(workers).ConfigureAwait(false);
    }

    private static async Task PostAsync(HttpClient http, string path, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await http.PostAsync(new Uri(path, UriKind.Relative), content).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"POST {path} {json}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync().ConfigureAwait(false)}");
        }
    }

    /// <summary>Everything came back: the stored counts, and the networks and endpoints the API lists.</summary>
    private static async Task VerifyAsync(BenchmarkDaemon cnmd, int networks, int endpoints)
    {
        using var http = cnmd.CreateClient();
        using var df = JsonDocument.Parse(await http.GetStringAsync(new Uri("/cnm/v1/system/df", UriKind.Relative)).ConfigureAwait(false));
        using var listed = JsonDocument.Parse(await http.GetStringAsync(new Uri("/networks", UriKind.Relative)).ConfigureAwait(false));
        using var eps = JsonDocument.Parse(await http.GetStringAsync(new Uri("/cnm/v1/endpoints", UriKind.Relative)).ConfigureAwait(false));
        var counts = (df.RootElement.GetProperty("Networks").GetInt32(), df.RootElement.GetProperty("Endpoints").GetInt32(),
            listed.RootElement.EnumerateArray().Count(n => n.GetProperty("Driver").GetString() == Plugin), eps.RootElement.GetArrayLength());
        if (counts != (networks, networks * endpoints, networks, networks * endpoints))
        {
            throw new InvalidOperationException($"restore incomplete: stored/listed networks and endpoints {counts}, expected {networks} and {networks * endpoints}");
        }
    }

    private static Task<PluginServer> StartPluginAsync(string socketPath) => PluginServer.StartUnixAsync(socketPath, s => s
        .Implements("NetworkDriver")
        .Map("NetworkDriver.GetCapabilities", PluginReply.Json("""{"Scope":"local"}"""))
        .Map("NetworkDriver.CreateNetwork", PluginReply.Json("{}"))
        .Map("NetworkDriver.DeleteNetwork", PluginReply.Json("{}"))
        .Map("NetworkDriver.CreateEndpoint", PluginReply.Json("{}"))
        .Map("NetworkDriver.DeleteEndpoint", PluginReply.Json("{}")));
}
