using System.Globalization;

namespace Cnm.DaemonBench;

/// <summary>
/// CPU time a process has used so far, user + system, its exited threads included (<c>/proc/PID/stat</c> fields 14
/// and 15, in clock ticks of 10 ms): the daemon's own CPU per cycle, which the machine's load does not inflate the way
/// it inflates wall time.
/// </summary>
internal static class ProcessCpu
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux

    public static double Seconds(IReadOnlyList<int> pids)
    {
        double total = 0;
        foreach (var pid in pids)
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' '); // fields from 3 (state) on
            total += (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
        }

        return total;
    }
}
