using System.Globalization;
using System.Text;

namespace Cnm.DaemonBench;

/// <summary>
/// The client's table (markdown): one column per target, ratios against the first <c>docker</c> target. With one
/// client the ratio is the anchor's median cycle over the target's (how many times faster); with several, the
/// target's median cycles/s over the anchor's. "× less" is the anchor's CPU per cycle over the target's.
/// </summary>
internal static class BenchReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Below this much CPU over all rounds (20 ticks of 10 ms), the CPU figures are not shown: too coarse.</summary>
    private const double MinCpuSeconds = 0.2;

    public static string Format(BenchOptions options, IReadOnlyList<Scenario> scenarios, IReadOnlyList<int> modes,
        Dictionary<(string Scenario, int Clients, string Target), RoundResult> results, DateTime started, string loadStart, string loadEnd)
    {
        var targets = options.Targets;
        var anchor = targets.FirstOrDefault(t => t.Kind == "docker");
        var s = new StringBuilder();
        s.AppendLine(Inv, $"cnm-daemonbench: {options.Rounds} rounds x {options.Cycles} cycles per scenario, mode and target, rounds interleaved, after {options.Warmup} warm-up cycles each;");
        s.AppendLine(Inv, $"modes: 1 client (one keep-alive connection) and {options.Clients} clients ({options.Clients} connections, the cycles split between them); driver and IPAM: {options.Driver}");
        s.AppendLine(Inv, $"{started:yyyy-MM-dd HH:mm}-{DateTime.UtcNow:HH:mm} UTC; {Environment.ProcessorCount} logical cores; load average at start {loadStart}, at end {loadEnd}");
        s.AppendLine();
        s.Append("| figure |");
        foreach (var t in targets)
        {
            s.Append(Inv, $" {t.Name} |");
        }

        s.AppendLine().Append("|---|").AppendLine(string.Concat(targets.Select(_ => "---:|")));
        foreach (var scenario in scenarios)
        {
            foreach (var n in modes)
            {
                var label = n == 1 ? $"{scenario.Name} cycle, 1 client: median (cycles/s)" : $"{scenario.Name} cycle, {n} clients: cycles/s (median latency)";
                Row(s, label, targets, t => Cell(scenario, n, t, anchor, results));
                Row(s, "… p95 latency", targets, t => Get(results, scenario, n, t) is { } r ? Ms(r.P95Ms) : "");
                Row(s, "… cycles/s per round", targets, t => Get(results, scenario, n, t) is { } r
                    ? string.Join(" ", r.CyclesPerSecond.Select(v => v.ToString("0", Inv))) : "");
                Row(s, "… daemon CPU per cycle (user + system)", targets, t => Get(results, scenario, n, t) is not { } r || double.IsNaN(r.CpuSeconds) ? ""
                    : r.CpuSeconds < MinCpuSeconds ? "(too little CPU to count in 10 ms ticks)"
                    : Ms(r.CpuMsPerCycle) + CpuRatio(scenario, n, t, anchor, results));
                if (scenario.CallsPlugin && n == 1)
                {
                    Row(s, "… plugin calls per cycle", targets, t => Get(results, scenario, n, t) is { } r ? r.CallsPerCycle.ToString("0.##", Inv) : "");
                    Row(s, "… plugin time per cycle (in its handlers)", targets, t => Get(results, scenario, n, t) is { } r ? Ms(r.PluginMsPerCycle) : "");
                    Row(s, "… host time per plugin call: (median cycle − plugin time) / calls", targets,
                        t => Get(results, scenario, n, t) is { } r ? r.HostUsPerCall.ToString("0", Inv) + " µs" : "");
                    Row(s, "… plugin time per cycle, socket to socket (first request bytes read to response flushed)", targets,
                        t => Get(results, scenario, n, t) is { } r && !double.IsNaN(r.PluginSocketSeconds) ? Ms(r.PluginSocketMsPerCycle) : "");
                    Row(s, "… host time per plugin call, socket to socket: (median cycle − plugin socket time) / calls", targets,
                        t => Get(results, scenario, n, t) is { } r && !double.IsNaN(r.PluginSocketSeconds) ? r.HostUsPerCallSocket.ToString("0", Inv) + " µs" : "");
                    Row(s, "… daemon CPU per plugin call: CPU per cycle / calls", targets,
                        t => Get(results, scenario, n, t) is { } r && r.CpuSeconds >= MinCpuSeconds && r.CallsPerCycle > 0
                            ? (r.CpuMsPerCycle * 1000 / r.CallsPerCycle).ToString("0", Inv) + " µs" : "");
                }
            }
        }

        s.AppendLine();
        foreach (var scenario in scenarios)
        {
            s.AppendLine(Inv, $"{scenario.Name}: {scenario.Description}");
        }

        return s.ToString();
    }

    private static RoundResult? Get(Dictionary<(string, int, string), RoundResult> results, Scenario scenario, int n, BenchTarget t) =>
        results.GetValueOrDefault((scenario.Name, n, t.Name));

    private static string Cell(Scenario scenario, int n, BenchTarget t, BenchTarget? anchor,
        Dictionary<(string, int, string), RoundResult> results)
    {
        if (Get(results, scenario, n, t) is not { } r)
        {
            return scenario.Supports(t) ? "" : scenario.Unsupported(t);
        }

        var text = n == 1
            ? $"{Ms(r.MedianMs)} ({r.MedianCyclesPerSecond.ToString("0", Inv)}/s)"
            : $"{r.MedianCyclesPerSecond.ToString("0", Inv)}/s ({Ms(r.MedianMs)})";
        if (anchor is null || anchor == t || Get(results, scenario, n, anchor) is not { } a)
        {
            return text;
        }

        var ratio = n == 1 ? a.MedianMs / r.MedianMs : r.MedianCyclesPerSecond / a.MedianCyclesPerSecond;
        return text + $", **{ratio.ToString("0.00", Inv)}×**";
    }

    private static string CpuRatio(Scenario scenario, int n, BenchTarget t, BenchTarget? anchor,
        Dictionary<(string, int, string), RoundResult> results) =>
        anchor is null || anchor == t || Get(results, scenario, n, anchor) is not { } a || Get(results, scenario, n, t) is not { } r
            || double.IsNaN(a.CpuMsPerCycle) || a.CpuSeconds < MinCpuSeconds ? "" : $", {(a.CpuMsPerCycle / r.CpuMsPerCycle).ToString("0.0", Inv)}× less";

    private static string Ms(double ms) => ms < 1 ? (ms * 1000).ToString("0", Inv) + " µs" : ms.ToString("0.00", Inv) + " ms";

    private static void Row(StringBuilder s, string label, IReadOnlyList<BenchTarget> targets, Func<BenchTarget, string> cell)
    {
        s.Append(Inv, $"| {label} |");
        foreach (var t in targets)
        {
            s.Append(Inv, $" {cell(t)} |");
        }

        s.AppendLine();
    }
}
