using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Cnm.Testing;

namespace Cnm.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project tests/Cnm.Benchmarks -- durable [cycles] [rounds] [warm-up] [cnmd]</c>: the
/// durable cost of an API operation. Three cnmds run side by side, <c>--store memory</c>,
/// <c>--store-sync normal</c> and <c>--store-sync full</c>, sharing one plugin directory with one remote plugin
/// (network + IPAM, the <c>api</c> runner's constant-reply mock). Each does network create + delete cycles on
/// the null driver and on the plugin, one keep-alive HttpClient each. Default 500 cycles per round, 7 rounds,
/// 1,000 warm-up cycles per row; the six rows take turns round by round. Prints every round, the medians,
/// and each store's cost against memory (ratio and ms per cycle, and per commit: the commits of a cycle are counted
/// from the store revision, which each commit bumps by one).
/// </summary>
internal static class DurableRunner
{
    private const string Plugin = "benchp";

    private static async Task<long> RevisionAsync(HttpClient client)
    {
        using var response = await client.GetAsync(new Uri("/cnm/v1/system/df", UriKind.Relative)).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        using var document = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync().ConfigureAwait(false));
        return document.RootElement.GetProperty("Revision").GetInt64();
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var cycles = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 500;
        var rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 7;
        var warmup = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1000;
        var executable = args.Length > 3 ? args[3] : DaemonProcess.NativeDaemon;
        var inv = CultureInfo.InvariantCulture;

        using var shared = new TempDirectory("cnmdur");
        var pluginDir = shared.CreateDirectory("plugins");
        await using var plugin = await ApiRunner.StartPluginAsync(Path.Combine(pluginDir, Plugin + ".sock")).ConfigureAwait(false);
        plugin.RecordRequests = false;
        (string Name, string[] Args)[] stores =
        [
            ("memory", ["--store", "memory"]),
            ("sqlite normal", ["--store-sync", "normal"]),
            ("sqlite full", ["--store-sync", "full"]),
        ];
        var daemons = stores.Select(s => BenchmarkDaemon.Start(executable, null, [.. s.Args, "--plugin-dir", pluginDir])).ToList();
        var clients = new List<HttpClient>();
        try
        {
            foreach (var cnmd in daemons)
            {
                await cnmd.WaitReadyAsync().ConfigureAwait(false);
                clients.Add(cnmd.CreateClient());
            }

            var rows = stores.SelectMany((s, i) => new[] { (Store: i, Driver: "null"), (Store: i, Driver: Plugin) }).ToList();
            foreach (var (store, driver) in rows)
            {
                for (var i = 0; i < warmup; i++)
                {
                    await ApiRunner.CycleAsync(clients[store], "w" + i.ToString(inv), driver).ConfigureAwait(false);
                }
            }

            await Task.Delay(500).ConfigureAwait(false);
            var perSecond = rows.Select(_ => new List<double>()).ToArray();
            var commitsPerCycle = new double[rows.Count];
            for (var r = 0; r < rounds; r++)
            {
                for (var row = 0; row < rows.Count; row++)
                {
                    var (store, driver) = rows[row];
                    var revision = r == 0 ? await RevisionAsync(clients[store]).ConfigureAwait(false) : 0;
                    var start = Stopwatch.GetTimestamp();
                    for (var i = 0; i < cycles; i++)
                    {
                        await ApiRunner.CycleAsync(clients[store], string.Create(inv, $"r{r}c{i}"), driver).ConfigureAwait(false);
                    }

                    perSecond[row].Add(cycles / ((Stopwatch.GetTimestamp() - start) / (double)Stopwatch.Frequency));
                    if (r == 0)
                    {
                        // Each commit bumps the store revision by one: the first round counts the commits of a cycle.
                        commitsPerCycle[row] = (await RevisionAsync(clients[store]).ConfigureAwait(false) - revision) / (double)cycles;
                    }
                }
            }

            var s = new StringBuilder();
            void Line(FormattableString text) => s.AppendLine(text.ToString(inv));
            Line($"Durable cost: network create + delete through three cnmds ({executable ?? "dotnet cnmd.dll, Release"}) side by side,");
            Line($"one keep-alive HttpClient each, one shared remote plugin {Plugin} (network + IPAM, 6 calls per cycle);");
            Line($"{rounds} rounds of {cycles} cycles per row, rows interleaved, after {warmup} warm-up cycles per row; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
            Line($"machine: {RuntimeInformation.OSDescription}, {Environment.ProcessorCount} logical cores; data roots under {Path.GetTempPath()} ({FileSystemOf(Path.GetTempPath())}); load average at end {File.ReadAllText("/proc/loadavg").Trim()}");
            Line($"");
            var medians = new double[rows.Count];
            for (var row = 0; row < rows.Count; row++)
            {
                var (store, driver) = rows[row];
                medians[row] = StartupRunner.Median(perSecond[row]);
                Line($"{stores[store].Name,-14} {driver,-7} median {medians[row],6:0} cycles/s = {1000 / medians[row]:0.000} ms/cycle (min {perSecond[row].Min():0}, max {perSecond[row].Max():0}; {string.Join(" ", perSecond[row].Select(v => v.ToString("0", inv)))})");
            }

            Line($"");
            for (var row = 2; row < rows.Count; row++)
            {
                var (store, driver) = rows[row];
                var baseline = medians[row % 2];
                var extraMs = (1000 / medians[row]) - (1000 / baseline);
                var commits = commitsPerCycle[row];
                Line($"{stores[store].Name,-14} {driver,-7} vs memory: {baseline / medians[row]:0.00}x the time per cycle, {extraMs:+0.000;-0.000} ms per cycle ({commits:0.##} commits per cycle, {extraMs / commits:+0.000;-0.000} ms per commit)");
            }

            Line($"cnmd RSS after the run: {string.Join(", ", daemons.Select((d, i) => string.Create(inv, $"{stores[i].Name} {d.RssMegabytes():0.0} MB")))}");
            Console.Write(s.ToString());
            return 0;
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }

            foreach (var cnmd in daemons)
            {
                cnmd.Dispose();
            }
        }
    }

    /// <summary>The file system type of the mount that holds <paramref name="path"/> (longest mount point prefix).</summary>
    internal static string FileSystemOf(string path)
    {
        var full = Path.GetFullPath(path);
        var best = ("", "?");
        foreach (var line in File.ReadLines("/proc/mounts"))
        {
            var parts = line.Split(' ');
            if (parts.Length > 2 && (full.StartsWith(parts[1].TrimEnd('/') + "/", StringComparison.Ordinal) || full == parts[1])
                && parts[1].Length >= best.Item1.Length)
            {
                best = (parts[1], $"{parts[2]} on {parts[0]}");
            }
        }

        return best.Item2;
    }
}
