using System.Diagnostics;
using System.Globalization;

namespace Cnm.DaemonBench;

/// <summary>
/// Where a network cycle's time goes between the processes: one client runs cycles on one daemon while the plugin
/// (started with CNM_BENCH_TIMELINE=1) records when each call's first bytes arrived and when its answer was flushed.
/// The clocks are the same (Stopwatch is CLOCK_MONOTONIC in every process), so each cycle splits into the daemon's
/// gaps: request sent to first plugin call, between plugin calls, last answer to response received; printed as medians.
/// Usage: <c>cnm-daemonbench timeline --target NAME=cnmd:SOCKET --plugin-socket PATH --driver NAME --cycles N</c>.
/// The warm-up cycles (at least one) also absorb the plugin's activation calls, which the timeline does not expect.
/// </summary>
internal static class Timeline
{
    /// <summary>A network cycle's plugin calls, in order (spec/performance.md): the plugin is driver and IPAM.</summary>
    private static readonly string[] CycleMethods =
    [
        "IpamDriver.RequestPool", "IpamDriver.RequestAddress", "NetworkDriver.CreateNetwork",
        "NetworkDriver.DeleteNetwork", "IpamDriver.ReleaseAddress", "IpamDriver.ReleasePool",
    ];

    public static async Task<int> RunAsync(BenchOptions options)
    {
        var target = options.Targets.Single();
        using var client = UnixHttp.Create(target.Socket);
        using var plugin = UnixHttp.Create(options.PluginSocket);
        for (var i = 0; i < options.Warmup; i++)
        {
            await CycleAsync(client, options.Driver, $"tlw{i}").ConfigureAwait(false);
        }

        var skip = (await TimelineAsync(plugin).ConfigureAwait(false)).Count;
        var cycles = new List<long[]>(options.Cycles);
        for (var i = 0; i < options.Cycles; i++)
        {
            cycles.Add(await CycleAsync(client, options.Driver, $"tl{i}").ConfigureAwait(false));
        }

        var calls = (await TimelineAsync(plugin).ConfigureAwait(false)).Skip(skip).ToList();
        if (calls.Count != 6 * cycles.Count)
        {
            Console.Error.WriteLine($"timeline: {calls.Count} plugin calls for {cycles.Count} cycles, expected 6 each");
            return 1;
        }

        for (var c = 0; c < cycles.Count; c++)
        {
            var methods = calls.Skip(6 * c).Take(6).Select(p => p.Method).ToArray();
            if (!methods.SequenceEqual(CycleMethods))
            {
                Console.Error.WriteLine($"timeline: cycle {c} made the calls {string.Join(", ", methods)}, expected {string.Join(", ", CycleMethods)}");
                return 1;
            }
        }

        string[] names =
        [
            "create: request sent -> RequestPool arrives", "  RequestPool (plugin, socket to socket)", "  RequestPool answered -> RequestAddress arrives",
            "  RequestAddress (plugin)", "  RequestAddress answered -> CreateNetwork arrives", "  CreateNetwork (plugin)", "  CreateNetwork answered -> response received",
            "delete: request sent -> DeleteNetwork arrives", "  DeleteNetwork (plugin)", "  DeleteNetwork answered -> ReleaseAddress arrives",
            "  ReleaseAddress (plugin)", "  ReleaseAddress answered -> ReleasePool arrives", "  ReleasePool (plugin)", "  ReleasePool answered -> response received",
            "whole cycle",
        ];
        var gaps = names.Select(_ => new List<double>()).ToArray();
        for (var c = 0; c < cycles.Count; c++)
        {
            var (t, p) = (cycles[c], calls.Skip(6 * c).Take(6).ToArray());
            for (var half = 0; half < 2; half++)
            {
                var (sent, received, at) = (t[2 * half], t[2 * half + 1], 7 * half);
                var q = p.AsSpan(3 * half, 3);
                gaps[at].Add(Us(q[0].Start - sent));
                for (var k = 0; k < 3; k++)
                {
                    gaps[at + 1 + 2 * k].Add(Us(q[k].End - q[k].Start));
                    gaps[at + 2 + 2 * k].Add(Us((k < 2 ? q[k + 1].Start : received) - q[k].End));
                }
            }

            gaps[14].Add(Us(t[3] - t[0]));
        }

        Console.WriteLine($"timeline of {target.Name}: {cycles.Count} cycles after {options.Warmup} warm-up cycles, medians in µs");
        for (var i = 0; i < names.Length; i++)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{names[i],-52} {Stats.Median(gaps[i]),8:0.0}"));
        }

        return 0;
    }

    private static double Us(long ticks) => ticks * 1e6 / Stopwatch.Frequency;

    private static async Task<long[]> CycleAsync(HttpClient client, string driver, string name)
    {
        var t0 = Stopwatch.GetTimestamp();
        var id = await DaemonApi.CreateNetworkAsync(client, name, driver).ConfigureAwait(false);
        var t1 = Stopwatch.GetTimestamp(); // the create's response, and the delete's send
        await DaemonApi.DeleteNetworkAsync(client, id).ConfigureAwait(false);
        return [t0, t1, t1, Stopwatch.GetTimestamp()];
    }

    private static async Task<List<(long Start, long End, string Method)>> TimelineAsync(HttpClient plugin)
    {
        var text = await plugin.GetStringAsync(new Uri("/bench/timeline", UriKind.Relative)).ConfigureAwait(false);
        return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' '))
            .Select(f => (long.Parse(f[0], CultureInfo.InvariantCulture), long.Parse(f[1], CultureInfo.InvariantCulture), f[2]))];
    }
}
