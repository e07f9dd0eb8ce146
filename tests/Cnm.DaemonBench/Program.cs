using Cnm.DaemonBench;

// cnm-daemonbench plugin SOCKET...        : the counting plugin, listening on every SOCKET until SIGTERM/SIGINT.
// cnm-daemonbench run [options]           : the load client (BenchOptions lists the options).
// cnm-daemonbench fill|drain [options]    : create or delete COUNT networks on one daemon (for the RSS figures).
// cnm-daemonbench timeline [options]      : one client's cycles split into the daemon's gaps (plugin with CNM_BENCH_TIMELINE=1).
// cnm-daemonbench floor CNMD-ARGS...       : the transport floor, a stand-in daemon that only relays the cycle's calls.
return args.Length == 0 ? Usage()
    : args[0] switch
    {
        "plugin" when args.Length > 1 => await CountingPlugin.RunAsync(args[1..]).ConfigureAwait(false),
        "run" => await BenchClient.RunAsync(BenchOptions.Parse(args[1..])).ConfigureAwait(false),
        "timeline" => await Timeline.RunAsync(BenchOptions.Parse(args[1..])).ConfigureAwait(false),
        "floor" => await FloorDaemon.RunAsync(args[1..]).ConfigureAwait(false),
        "fill" => await NetworkFill.FillAsync(BenchOptions.Parse(args[1..])).ConfigureAwait(false),
        "drain" => await NetworkFill.DrainAsync(BenchOptions.Parse(args[1..])).ConfigureAwait(false),
        _ => Usage(),
    };

static int Usage()
{
    Console.Error.WriteLine("usage: cnm-daemonbench plugin SOCKET... | run|fill|drain --target NAME=KIND:SOCKET... --plugin-socket PATH --driver NAME [--cycles N] [--rounds N] [--warmup N] [--clients N] [--count N]");
    return 2;
}
