using System.Runtime.InteropServices;

namespace Cnm.Benchmarks;

/// <summary>CPU time of the whole process (every thread, the plugin server's too), and of the whole machine.</summary>
internal static class CpuClock
{
    private const int ClockProcessCpuTimeId = 2;

    /// <summary>Nanoseconds of CPU this process has used (clock_gettime(CLOCK_PROCESS_CPUTIME_ID)).</summary>
    public static long ProcessNanoseconds()
    {
        return clock_gettime(ClockProcessCpuTimeId, out var ts) == 0 ? ts.Seconds * 1_000_000_000 + ts.Nanoseconds : 0;
    }

    /// <summary>Busy and steal jiffies (1/100 s) of the whole machine, from <c>/proc/stat</c>; zeros where it cannot be read.</summary>
    public static (long Busy, long Steal) MachineJiffies()
    {
        try
        {
            var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            // cpu user nice system idle iowait irq softirq steal ...
            var v = fields.Skip(1).Select(f => long.Parse(f, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            return (v[0] + v[1] + v[2] + v[5] + v[6], v.Length > 7 ? v[7] : 0);
        }
        catch (IOException)
        {
            return (0, 0);
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", SetLastError = false)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int clock_gettime(int clockId, out TimeSpec timeSpec);
}
