using System.Globalization;
using System.Runtime.InteropServices;

namespace Cnm.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project tests/Cnm.Benchmarks -- startup [runs] [idle-seconds] [cnmd]</c>: starts
/// cnmd <c>runs</c> times (default 7), one after the other, each with fresh temp directories; measures the
/// time from process start to the readiness line, then the resident set size (VmRSS) after the daemon has
/// been idle for <c>idle-seconds</c> (default 5). Prints every run and the medians. Without <c>cnmd</c> it runs
/// the native cnmd named by <c>CNM_DAEMON_PATH</c> (src/Cnm.Daemon/bin/publish/cnmd) when set, else <c>dotnet cnmd.dll</c>.
/// </summary>
internal static class StartupRunner
{
    public static async Task<int> RunAsync(string[] args)
    {
        var runs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 7;
        var idle = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 5;
        var executable = args.Length > 2 ? args[2] : Cnm.Testing.DaemonProcess.NativeDaemon;

        // One unmeasured start so that the files are in the page cache, as on a machine that has run cnmd before.
        using (var first = BenchmarkDaemon.Start(executable))
        {
            await first.WaitReadyAsync().ConfigureAwait(false);
        }

        var ready = new List<double>();
        var rss = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            using var cnmd = BenchmarkDaemon.Start(executable);
            ready.Add(await cnmd.WaitReadyAsync().ConfigureAwait(false));
            await Task.Delay(TimeSpan.FromSeconds(idle)).ConfigureAwait(false);
            rss.Add(cnmd.RssMegabytes());
        }

        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine($"cnmd start-up ({executable ?? "dotnet cnmd.dll, Release"}), {runs} runs after one unmeasured start; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        Console.WriteLine($"machine: {RuntimeInformation.OSDescription}, {Environment.ProcessorCount} logical cores; load average {File.ReadAllText("/proc/loadavg").Trim()}");
        Console.WriteLine(string.Create(inv, $"ready:   median {Median(ready):0.000} s (min {ready.Min():0.000}, max {ready.Max():0.000}; {string.Join(" ", ready.Select(v => v.ToString("0.000", inv)))})"));
        Console.WriteLine(string.Create(inv, $"idle RSS after {idle:0.#} s: median {Median(rss):0.0} MB (min {rss.Min():0.0}, max {rss.Max():0.0}; {string.Join(" ", rss.Select(v => v.ToString("0.0", inv)))})"));
        return 0;
    }

    internal static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
