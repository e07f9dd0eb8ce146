using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;
using System.Text;

namespace Cnm.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release -- lifecycle [count] [warm-up]</c>: endpoint lifecycles through the controller
/// against the in-process remote plugin (default 2,000, after warm-up passes of 200 repeated until the JIT
/// is quiet), with the same six calls on the remote driver alone, as a bare HttpClient replay, through a
/// controller with an in-memory driver, and through a controller whose remote driver is wrapped in a
/// stopwatch, run in interleaved blocks so that all of them see the same machine. Prints lifecycles/s,
/// plugin calls/s, total time per call, time inside the plugin's handler per call, and the host's own time
/// per call = (total - in-plugin) / calls, with and without the bare-HttpClient floor, then a per-call and
/// per-operation breakdown.
/// </summary>
internal static class LifecycleRunner
{
    private const int BlockSize = 100;
    private const int QuietJit = 5;
    private const int MaxWarmupPasses = 40;

    public static async Task<int> RunAsync(string[] args)
    {
        var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2000;
        var warmup = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200;

        var harness = await LifecycleHarness.StartAsync(recordRequests: false).ConfigureAwait(false);
        await using (harness.ConfigureAwait(false))
        {
            var captured = await harness.CaptureLifecycleAsync().ConfigureAwait(false);
            var methods = captured.Select(r => r.ServiceMethod).ToArray();
            if (!methods.SequenceEqual(LifecycleHarness.LifecycleMethods, StringComparer.Ordinal))
            {
                await Console.Error.WriteLineAsync($"unexpected plugin calls for one lifecycle: {string.Join(", ", methods)}").ConfigureAwait(false);
                return 1;
            }

            using var bareClient = harness.CreateBareClient();
            var bare = new BareReplay(bareClient, captured);
            var direct = new DirectRound(await harness.DirectDriverAsync().ConfigureAwait(false), harness.Network.Id, harness.Sandbox.Key);
            var counting = new CountingDriver();
            var memory = await SideController.StartAsync(counting).ConfigureAwait(false);
            var timedDriver = new TimedDriver(await harness.DirectDriverAsync().ConfigureAwait(false));
            var timed = await SideController.StartAsync(timedDriver).ConfigureAwait(false);
            var server = harness.Server;
            var tiers = new[]
            {
                new Tier("Controller, no plugin", memory.RunAsync, () => counting.Calls),
                new Tier("bare HttpClient replay", bare.RunAsync, () => server.RequestCount),
                new Tier("RemoteNetworkDriver", direct.RunAsync, () => server.RequestCount),
                new Tier("Controller lifecycle", harness.RunLifecycleAsync, () => server.RequestCount),
                new Tier("Controller, timed driver", timed.RunAsync, () => server.RequestCount),
            };

            // Warm-up passes until tiered compilation is done: a pass that leaves the JIT quiet. With only one
            // pass, much of the code still runs at tier 0 and every figure comes out 2 to 3 times higher.
            var passes = 0;
            long jitted;
            do
            {
                var before = JitInfo.GetCompiledMethodCount();
                for (var i = 0; i < warmup; i++)
                {
                    foreach (var tier in tiers)
                    {
                        await tier.Run(null).ConfigureAwait(false);
                    }
                }

                await Task.Delay(300).ConfigureAwait(false); // background tier-1 compilation
                jitted = JitInfo.GetCompiledMethodCount() - before;
                passes++;
            }
            while (jitted > QuietJit && passes < MaxWarmupPasses);

            timedDriver.Reset();
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var (machineBusy0, steal0) = CpuClock.MachineJiffies();
            var cpu0 = CpuClock.ProcessNanoseconds();
            var wall0 = Stopwatch.GetTimestamp();

            for (var done = 0; done < count; done += BlockSize)
            {
                var n = Math.Min(BlockSize, count - done);
                foreach (var tier in tiers)
                {
                    await harness.WaitForTimingsAsync().ConfigureAwait(false);
                    harness.Timings = tier.InPlugin;
                    var calls = tier.CallCount();
                    var cpu = CpuClock.ProcessNanoseconds();
                    var allocated = GC.GetTotalAllocatedBytes(precise: true);
                    var gen0 = GC.CollectionCount(0);
                    var start = Stopwatch.GetTimestamp();
                    for (var i = 0; i < n; i++)
                    {
                        await tier.Run(tier.StepTicks).ConfigureAwait(false);
                    }

                    tier.WallTicks += Stopwatch.GetTimestamp() - start;
                    tier.CpuNanoseconds += CpuClock.ProcessNanoseconds() - cpu;
                    tier.Gen0 += GC.CollectionCount(0) - gen0;
                    tier.Allocated += GC.GetTotalAllocatedBytes(precise: true) - allocated;
                    tier.Calls += tier.CallCount() - calls;
                    tier.Rounds += n;
                }
            }

            await harness.WaitForTimingsAsync().ConfigureAwait(false);
            var wallSeconds = Seconds(Stopwatch.GetTimestamp() - wall0);
            var ownCpuSeconds = (CpuClock.ProcessNanoseconds() - cpu0) / 1e9;
            var (machineBusy1, steal1) = CpuClock.MachineJiffies();
            var load = new Load(wallSeconds, ownCpuSeconds, (machineBusy1 - machineBusy0) / 100.0, (steal1 - steal0) / 100.0);
            Console.Write(Report(count, $"{passes} warm-up passes of {warmup} (until a pass JIT-compiled at most {QuietJit} methods; the last compiled {jitted})",
                tiers, load, timedDriver.CallTicks));
            return 0;
        }
    }

    private static string Report(int count, string warmup, Tier[] tiers, Load load, long[] insideDriverTicks)
    {
        var (memory, bare, driver, controller, timed) = (tiers[0], tiers[1], tiers[2], tiers[3], tiers[4]);
        var s = new StringBuilder();
        void Line(FormattableString text) => s.AppendLine(text.ToString(CultureInfo.InvariantCulture));

        Line($"Endpoint lifecycle against an in-process remote plugin (Kestrel, unix socket): {count} lifecycles per row, interleaved in blocks of {BlockSize}, after {warmup}");
        Line($"machine: {RuntimeInformation.OSDescription}, {RuntimeInformation.ProcessArchitecture}, {Environment.ProcessorCount} logical cores, {RuntimeInformation.FrameworkDescription}, {(GCSettings.IsServerGC ? "server" : "workstation")} GC{(GCSettings.LatencyMode == GCLatencyMode.Interactive ? " (concurrent)" : "")}");
        Line($"load during the measurement: this process {load.OwnCpuSeconds / load.WallSeconds:0.00} cores, other processes {(load.MachineBusySeconds - load.OwnCpuSeconds) / load.WallSeconds:0.00} cores, steal {load.StealSeconds / load.WallSeconds:0.00} cores (of {Environment.ProcessorCount}; from /proc/stat, 10 ms resolution)");
        Line($"");
        Line($"{"",-24} {"rounds/s",9} {"calls/s",9} {"calls",6} {"total/call",11} {"in-plugin/call",15} {"host/call",10} {"CPU/call",9} {"alloc/round",12} {"gen0",5}");
        foreach (var t in tiers)
        {
            var inPlugin = t.InPlugin.Count == 0 ? 0 : Us(t.InPlugin.Ticks) / t.InPlugin.Count;
            Line($"{t.Name,-24} {t.Rounds / Seconds(t.WallTicks),9:0} {t.Calls / Seconds(t.WallTicks),9:0} {t.Calls,6} {Us(t.WallTicks) / t.Calls,8:0.0} us {inPlugin,12:0.0} us {t.HostPerCallUs,7:0.0} us {t.CpuNanoseconds / 1e3 / t.Calls,6:0.0} us {t.Allocated / t.Rounds,9:0} B {t.Gen0,5}");
        }

        Line($"(rounds: lifecycles, or the same 6 calls; CPU/call: the whole process, plugin server included; alloc: the whole process;");
        Line($" the last row is a diagnostic: the remote driver wrapped in a stopwatch, registered on a second controller)");

        Line($"");
        Line($"Controller lifecycle: {controller.Rounds / Seconds(controller.WallTicks):0} lifecycles/s, {controller.Calls / Seconds(controller.WallTicks):0} plugin calls/s ({controller.Calls / (double)controller.Rounds:0.##} calls per lifecycle)");
        Line($"  total per call            {Us(controller.WallTicks) / controller.Calls,7:0.0} us");
        Line($"  in-plugin per call        {Us(controller.InPlugin.Ticks) / controller.InPlugin.Count,7:0.0} us   (server handler: body read, handler, response write)");
        Line($"  host's own per call       {controller.HostPerCallUs,7:0.0} us   (target < 100 us; dockerd 730 us)");
        Line($"  host minus bare floor     {controller.HostPerCallUs - bare.HostPerCallUs,7:0.0} us   (bare HttpClient host/call {bare.HostPerCallUs:0.0} us: Kestrel parsing + HttpClient + socket hops)");
        Line($"    of which driver+client {driver.HostPerCallUs - bare.HostPerCallUs,7:0.0} us, controller {controller.HostPerCallUs - driver.HostPerCallUs,7:0.0} us (controller alone, in-memory driver: {memory.HostPerCallUs:0.0} us)");
        if (bare.InPlugin.Count != bare.Calls || driver.InPlugin.Count != driver.Calls || controller.InPlugin.Count != controller.Calls)
        {
            Line($"  WARNING: timed requests do not match calls ({bare.InPlugin.Count}/{bare.Calls}, {driver.InPlugin.Count}/{driver.Calls}, {controller.InPlugin.Count}/{controller.Calls})");
        }

        Line($"");
        Line($"Per call, mean (host = call time - in-plugin time):");
        Line($"{"",-40} {"bare total",10} {"in-plugin",10} {"host",7}   {"driver total",12} {"in-plugin",10} {"host",7}  {"driver-bare",11}");
        var methods = LifecycleHarness.LifecycleMethods;
        for (var i = 0; i < methods.Length; i++)
        {
            var bareHost = bare.StepHostUs(i, methods[i]);
            var driverHost = driver.StepHostUs(i, methods[i]);
            Line($"{methods[i],-40} {bare.StepUs(i),7:0.0} us {bare.MethodInPluginUs(methods[i]),7:0.0} us {bareHost,4:0.0} us   {driver.StepUs(i),9:0.0} us {driver.MethodInPluginUs(methods[i]),7:0.0} us {driverHost,4:0.0} us  {driverHost - bareHost,8:0.0} us");
        }

        Line($"");
        Line($"Per controller operation, mean (controller own = host own - the same calls' host time on the driver alone;");
        Line($"in situ = the timed-driver controller's op time minus the time inside its driver; no-plugin = the in-memory driver's op time):");
        Line($"{"",-16} {"op time",9} {"in-plugin",10} {"host own",9} {"driver host",12} {"controller own",15} {"in situ",9} {"no-plugin",10}");
        string[][] ops = [[methods[0]], [methods[1], methods[2]], [methods[3], methods[4]], [methods[5]]];
        string[] names = ["CreateEndpoint", "Join", "Leave", "DeleteEndpoint"];
        for (var op = 0; op < ops.Length; op++)
        {
            var inPlugin = ops[op].Sum(controller.MethodInPluginUs);
            var driverHost = ops[op].Sum(m => driver.StepHostUs(Array.IndexOf(methods, m), m));
            var host = controller.StepUs(op) - inPlugin;
            var insideDriver = ops[op].Sum(m => Us(insideDriverTicks[Array.IndexOf(methods, m)])) / timed.Rounds;
            Line($"{names[op],-16} {controller.StepUs(op),6:0.0} us {inPlugin,7:0.0} us {host,6:0.0} us {driverHost,9:0.0} us {host - driverHost,12:0.0} us {timed.StepUs(op) - insideDriver,6:0.0} us {memory.StepUs(op),7:0.0} us");
        }

        return s.ToString();
    }

    private static double Seconds(long ticks) => ticks / (double)Stopwatch.Frequency;

    private static double Us(long ticks) => ticks * 1e6 / Stopwatch.Frequency;

    private sealed record Load(double WallSeconds, double OwnCpuSeconds, double MachineBusySeconds, double StealSeconds);

    private sealed class Tier(string name, Func<long[]?, Task> run, Func<long> callCount)
    {
        public string Name { get; } = name;

        public Func<long[]?, Task> Run { get; } = run;

        public Func<long> CallCount { get; } = callCount;

        public long CpuNanoseconds { get; set; }

        /// <summary>Per step of a round: a call (bare, driver) or a controller operation.</summary>
        public long[] StepTicks { get; } = new long[LifecycleHarness.LifecycleMethods.Length];

        public TimingSet InPlugin { get; } = new();

        public long WallTicks { get; set; }

        public long Calls { get; set; }

        public long Rounds { get; set; }

        public long Allocated { get; set; }

        public int Gen0 { get; set; }

        public double HostPerCallUs => (Us(WallTicks) - Us(InPlugin.Ticks)) / Calls;

        public double StepUs(int step) => Us(StepTicks[step]) / Rounds;

        public double MethodInPluginUs(string method)
        {
            var timing = InPlugin.Method(method);
            return timing.Count == 0 ? 0 : Us(timing.Ticks) / Rounds;
        }

        public double StepHostUs(int step, string method) => StepUs(step) - MethodInPluginUs(method);
    }
}
