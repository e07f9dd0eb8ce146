namespace Cnm.DaemonBench;

/// <summary>The measured rounds of one scenario, mode (clients) and target, accumulated.</summary>
internal sealed class RoundResult
{
    /// <summary>Every cycle's latency, ms.</summary>
    public List<double> LatenciesMs { get; } = [];

    /// <summary>Each round's throughput: cycles / wall time.</summary>
    public List<double> CyclesPerSecond { get; } = [];

    public long Cycles { get; set; }

    /// <summary>Plugin calls made during the rounds (from the plugin's counters).</summary>
    public long PluginCalls { get; set; }

    /// <summary>Seconds spent in the plugin's handlers during the rounds.</summary>
    public double PluginSeconds { get; set; }

    /// <summary>Seconds from the first bytes of each counted request to its response's flush, inside the plugin; NaN if not reported.</summary>
    public double PluginSocketSeconds { get; set; }

    /// <summary>CPU seconds the target's processes used during the rounds; NaN when their PIDs are not known.</summary>
    public double CpuSeconds { get; set; }

    /// <summary>The target's CPU per cycle, ms.</summary>
    public double CpuMsPerCycle => Cycles == 0 ? double.NaN : CpuSeconds * 1000 / Cycles;

    public double MedianMs => Stats.Median(LatenciesMs);

    public double P95Ms => Stats.Percentile(LatenciesMs, 95);

    public double MedianCyclesPerSecond => Stats.Median(CyclesPerSecond);

    public double CallsPerCycle => Cycles == 0 ? 0 : PluginCalls / (double)Cycles;

    public double PluginMsPerCycle => Cycles == 0 ? 0 : PluginSeconds * 1000 / Cycles;

    public double PluginSocketMsPerCycle => Cycles == 0 ? double.NaN : PluginSocketSeconds * 1000 / Cycles;

    /// <summary>(median cycle − plugin socket-to-socket time per cycle) / plugin calls per cycle, in µs.</summary>
    public double HostUsPerCallSocket => CallsPerCycle == 0 ? double.NaN : (MedianMs - PluginSocketMsPerCycle) * 1000 / CallsPerCycle;

    /// <summary>(median cycle − plugin time per cycle) / plugin calls per cycle, in µs; NaN without plugin calls.</summary>
    public double HostUsPerCall => CallsPerCycle == 0 ? double.NaN : (MedianMs - PluginMsPerCycle) * 1000 / CallsPerCycle;
}
