using System.Diagnostics;
using System.Globalization;

namespace Cnm.DaemonBench;

/// <summary>
/// The load client: every target gets the same scenarios (<see cref="NetworkScenario"/>, <see cref="EndpointScenario"/>,
/// <see cref="PingScenario"/>) on one keep-alive connection, then on <see cref="BenchOptions.Clients"/> connections at once.
/// After a warm-up per target and scenario, the rounds are interleaved: round r runs every scenario and mode on every
/// target (starting from a different target each round) before round r + 1. Plugin calls and plugin time come from
/// the plugin's counters, read before and after each measured block (one target at a time calls the plugin).
/// </summary>
internal static class BenchClient
{
    public static async Task<int> RunAsync(BenchOptions options)
    {
        Scenario[] all = [new NetworkScenario(), new EndpointScenario(), new PingScenario()];
        var scenarios = all.Where(s => options.Scenarios.Count == 0 || options.Scenarios.Contains(s.Name)).ToArray();
        int[] modes = options.Concurrent ? [1, options.Clients] : [1];
        var clients = options.Targets.ToDictionary(t => t.Name,
            t => Enumerable.Range(0, options.Clients).Select(_ => UnixHttp.Create(t.Socket)).ToArray(), StringComparer.Ordinal);
        using var plugin = UnixHttp.Create(options.PluginSocket);
        var results = new Dictionary<(string Scenario, int Clients, string Target), RoundResult>();
        var loadStart = File.ReadAllText("/proc/loadavg").Trim();
        var started = DateTime.UtcNow;
        try
        {
            foreach (var target in options.Targets)
            {
                foreach (var scenario in scenarios.Where(s => s.Supports(target)))
                {
                    await scenario.SetupAsync(target, clients[target.Name], options.Driver).ConfigureAwait(false);
                    foreach (var n in modes)
                    {
                        await MeasureAsync(scenario, target, clients[target.Name], n, options.Warmup, $"w{n}", options.Driver, plugin)
                            .ConfigureAwait(false);
                    }
                }
            }

            for (var r = 0; r < options.Rounds; r++)
            {
                foreach (var scenario in scenarios)
                {
                    foreach (var n in modes)
                    {
                        for (var k = 0; k < options.Targets.Count; k++)
                        {
                            var target = options.Targets[(k + r) % options.Targets.Count];
                            if (!scenario.Supports(target))
                            {
                                continue;
                            }

                            var key = (scenario.Name, n, target.Name);
                            if (!results.TryGetValue(key, out var result))
                            {
                                results[key] = result = new RoundResult();
                            }

                            var round = await MeasureAsync(scenario, target, clients[target.Name], n, options.Cycles,
                                string.Create(CultureInfo.InvariantCulture, $"r{r}c{n}"), options.Driver, plugin).ConfigureAwait(false);
                            result.LatenciesMs.AddRange(round.LatenciesMs);
                            result.CyclesPerSecond.AddRange(round.CyclesPerSecond);
                            result.Cycles += round.Cycles;
                            result.PluginCalls += round.PluginCalls;
                            result.PluginSeconds += round.PluginSeconds;
                            result.PluginSocketSeconds += round.PluginSocketSeconds;
                            result.CpuSeconds += round.CpuSeconds;
                        }
                    }
                }
            }

            foreach (var target in options.Targets)
            {
                foreach (var scenario in scenarios.Where(s => s.Supports(target)))
                {
                    await scenario.TeardownAsync(target, clients[target.Name]).ConfigureAwait(false);
                }
            }

            Console.Write(BenchReport.Format(options, scenarios, modes, results, started, loadStart, File.ReadAllText("/proc/loadavg").Trim()));
            return 0;
        }
        finally
        {
            foreach (var client in clients.Values.SelectMany(c => c))
            {
                client.Dispose();
            }
        }
    }

    /// <summary>
    /// <paramref name="cycles"/> cycles of <paramref name="scenario"/> on the first <paramref name="n"/> clients of the
    /// target, split evenly between them, all at once.
    /// </summary>
    private static async Task<RoundResult> MeasureAsync(Scenario scenario, BenchTarget target, HttpClient[] clients, int n,
        int cycles, string tagPrefix, string driver, HttpClient plugin)
    {
        var result = new RoundResult();
        var before = await CounterReading.ReadAsync(plugin).ConfigureAwait(false);
        var cpuBefore = target.Pids.Count == 0 ? double.NaN : ProcessCpu.Seconds(target.Pids);
        var perClient = new List<double>[n];
        var start = Stopwatch.GetTimestamp();
        var tasks = Enumerable.Range(0, n).Select(async index =>
        {
            var latencies = perClient[index] = [];
            for (var i = index; i < cycles; i += n)
            {
                var t0 = Stopwatch.GetTimestamp();
                await scenario.CycleAsync(target, index, clients[index], string.Create(CultureInfo.InvariantCulture, $"{tagPrefix}i{i}"), driver)
                    .ConfigureAwait(false);
                latencies.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            }
        }).ToArray();
        await Task.WhenAll(tasks).ConfigureAwait(false);
        var wall = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var cpuAfter = target.Pids.Count == 0 ? double.NaN : ProcessCpu.Seconds(target.Pids);
        var after = await CounterReading.ReadAsync(plugin).ConfigureAwait(false);
        foreach (var latencies in perClient)
        {
            result.LatenciesMs.AddRange(latencies);
        }

        result.CyclesPerSecond.Add(cycles / wall);
        result.Cycles = cycles;
        result.PluginCalls = after.Calls - before.Calls;
        result.PluginSeconds = after.Seconds - before.Seconds;
        result.PluginSocketSeconds = after.SocketSeconds - before.SocketSeconds;
        result.CpuSeconds = cpuAfter - cpuBefore;
        return result;
    }
}
