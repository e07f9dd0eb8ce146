using System.Diagnostics;
using System.Globalization;
using Cnm.Core.Net;
using Cnm.Linux.Firewall;

namespace Cnm.Linux.Benchmarks;

/// <summary>
/// Rule application per change (issue 12): one bridge network's rules applied and removed through
/// <see cref="NftablesBridgeFirewall"/> (libnftables in-process: two listings and one batch per change), against the same
/// change by one <c>nft -j -f</c> process each (the table as JSON, then <c>nft delete table</c>), in the same run and
/// the same namespace. Usage: <c>Cnm.Linux.Benchmarks firewall [iterations=200]</c>. Root.
/// </summary>
internal static class FirewallBenchmark
{
    public static async Task RunAsync(string[] args)
    {
        var n = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200;
        var name = "cnmbench-fw" + Environment.ProcessId;
        var path = "/run/netns/" + name;
        Run("ip", $"netns add {name}");
        var file = Path.Combine(Path.GetTempPath(), name + ".json");
        try
        {
            using var firewall = NftablesBridgeFirewall.Create(path);
            var rules = new BridgeNetworkRules(new string('a', 64), "br-bench", [IpPrefix.Parse("172.30.0.0/24")], true, true, false, null);
            var apply = new List<double>();
            var remove = new List<double>();
            for (var i = -10; i < n; i++)
            {
                var start = Stopwatch.GetTimestamp();
                await firewall.ApplyNetworkAsync(rules, CancellationToken.None);
                var applied = Stopwatch.GetTimestamp();
                if (i == -10)
                {
                    File.WriteAllText(file, Run("nsenter", $"--net={path} nft -j list table inet cnm"));
                }

                await firewall.RemoveNetworkAsync(rules.NetworkId, CancellationToken.None);
                var removed = Stopwatch.GetTimestamp();
                if (i >= 0)
                {
                    apply.Add(Stopwatch.GetElapsedTime(start, applied).TotalMilliseconds);
                    remove.Add(Stopwatch.GetElapsedTime(applied, removed).TotalMilliseconds);
                }
            }

            var nftApply = new List<double>();
            var nftRemove = new List<double>();
            for (var i = -10; i < n; i++)
            {
                var start = Stopwatch.GetTimestamp();
                Run("nsenter", $"--net={path} nft -j -f {file}");
                var applied = Stopwatch.GetTimestamp();
                Run("nsenter", $"--net={path} nft delete table inet cnm");
                var removed = Stopwatch.GetTimestamp();
                if (i >= 0)
                {
                    nftApply.Add(Stopwatch.GetElapsedTime(start, applied).TotalMilliseconds);
                    nftRemove.Add(Stopwatch.GetElapsedTime(applied, removed).TotalMilliseconds);
                }
            }

            Console.WriteLine($"firewall: {n} changes of each kind, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
            Report("libnftables apply network (2 listings + 1 batch)", apply);
            Report("libnftables remove network (2 listings + 1 batch)", remove);
            Report("nft -j -f process apply (1 process)", nftApply);
            Report("nft process delete table (1 process)", nftRemove);
            Console.WriteLine($"apply speed-up (median): {Median(nftApply) / Median(apply):F1}x; remove: {Median(nftRemove) / Median(remove):F1}x");
        }
        finally
        {
            File.Delete(file);
            Run("ip", $"netns del {name}");
        }
    }

    private static string Run(string file, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true })!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {arguments} exited with {process.ExitCode}");
        }

        return output;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    private static void Report(string what, List<double> ms)
    {
        var sorted = ms.Order().ToList();
        var median = sorted[sorted.Count / 2];
        var p95 = sorted[(int)(sorted.Count * 0.95)];
        Console.WriteLine($"{what}: median {median:F2} ms, p95 {p95:F2} ms, {1000 / median:F0} ops/s");
    }
}
