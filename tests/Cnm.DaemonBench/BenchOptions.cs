using System.Globalization;

namespace Cnm.DaemonBench;

/// <summary>
/// The client's options: <c>--target NAME=KIND:SOCKET</c> (repeated), <c>--pid NAME=PID[,PID]</c> (the
/// target's processes, for their CPU time), <c>--plugin-socket PATH</c> (the counting
/// plugin, for its counters), <c>--driver NAME</c> (network driver and IPAM), <c>--cycles</c> per round (200),
/// <c>--rounds</c> (3), <c>--warmup</c> cycles per target and scenario (200), <c>--clients</c> in the concurrent mode
/// (8), <c>--count</c> networks for fill and drain (1000), <c>--scenarios</c> to run (all), <c>--single</c> for the
/// one-client mode only.
/// </summary>
internal sealed record BenchOptions
{
    public List<BenchTarget> Targets { get; } = [];
    public string PluginSocket { get; set; } = "";
    public string Driver { get; set; } = "cnmbench";
    public int Cycles { get; set; } = 200;
    public int Rounds { get; set; } = 3;
    public int Warmup { get; set; } = 200;
    public int Clients { get; set; } = 8;
    public int Count { get; set; } = 1000;

    /// <summary>Scenario names to run (<c>--scenarios network,ping</c>); empty for all.</summary>
    public List<string> Scenarios { get; } = [];

    /// <summary>False with <c>--single</c>: only the one-client mode.</summary>
    public bool Concurrent { get; set; } = true;

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--single")
            {
                options.Concurrent = false;
                continue;
            }

            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value");
            i++;
            switch (args[i - 1])
            {
                case "--target": options.Targets.Add(BenchTarget.Parse(value)); break;
                case "--pid": AddPids(options, value); break;
                case "--plugin-socket": options.PluginSocket = value; break;
                case "--driver": options.Driver = value; break;
                case "--cycles": options.Cycles = Number(value); break;
                case "--rounds": options.Rounds = Number(value); break;
                case "--warmup": options.Warmup = Number(value); break;
                case "--clients": options.Clients = Number(value); break;
                case "--count": options.Count = Number(value); break;
                case "--scenarios": options.Scenarios.AddRange(value.Split(',', StringSplitOptions.RemoveEmptyEntries)); break;
                default: throw new ArgumentException($"unknown option {args[i - 1]}");
            }
        }

        return options.Targets.Count > 0 ? options : throw new ArgumentException("no --target given");
    }

    private static void AddPids(BenchOptions options, string value)
    {
        var eq = value.IndexOf('=', StringComparison.Ordinal);
        var target = options.Targets.Find(t => eq > 0 && t.Name == value[..eq])
            ?? throw new ArgumentException($"--pid {value}: expected NAME=PID[,PID] after --target NAME=...");
        target.Pids.AddRange(value[(eq + 1)..].Split(',').Select(Number));
    }

    private static int Number(string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n
            : throw new ArgumentException($"{value} is not a positive number");
}
