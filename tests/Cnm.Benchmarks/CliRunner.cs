using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Cnm.Testing;

namespace Cnm.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project tests/Cnm.Benchmarks -- cli [runs] [cnm...]</c>: wall time of
/// <c>cnm network ls</c> against a running cnmd (with two networks, one null and one host), for each given cnm (a native binary, or a
/// cnm.dll run by <c>dotnet</c>; default: the published native cnm and the Release cnm.dll), against
/// <c>docker network ls</c> (the docker CLI of <see cref="DockerCli.Binary"/>, DOCKER_HOST at the same cnmd). The commands take turns, run
/// after run; default 21 runs each after 3 unmeasured ones. Prints the median and spread of each.
/// </summary>
internal static class CliRunner
{
    public static async Task<int> RunAsync(string[] args)
    {
        var runs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 21;
        var root = RepositoryRoot();
        var clis = args.Length > 1
            ? args[1..]
            : [Path.Combine(root, "src/Cnm.Cli/bin/publish/cnm"), Path.Combine(root, "src/Cnm.Cli/bin/Release/net10.0/cnm.dll")];

        using var cnmd = BenchmarkDaemon.Start(null);
        await cnmd.WaitReadyAsync().ConfigureAwait(false);
        var host = "unix://" + cnmd.SocketPath;
        using var config = new TempDirectory("cnmb-docker");
        var commands = clis.Where(File.Exists)
            .Select(c => (Name: c, Start: (Func<ProcessStartInfo>)(() => Cli(c, host))))
            .Append((Name: DockerCli.Binary, Start: () => Docker(host, config.Path)))
            .ToList();
        // One network per built-in driver: null and host allow one each (spec/controller.md, "One null and one host network").
        foreach (var (name, driver) in new[] { ("one", "null"), ("two", "host") })
        {
            await RunAsync(Docker(host, config.Path, "network", "create", "--driver", driver, name)).ConfigureAwait(false);
        }

        var times = commands.ToDictionary(c => c.Name, _ => new List<double>());
        for (var i = -3; i < runs; i++)
        {
            foreach (var (name, start) in commands)
            {
                var seconds = await RunAsync(start()).ConfigureAwait(false);
                if (i >= 0)
                {
                    times[name].Add(seconds * 1000);
                }
            }
        }

        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine($"'network ls' against cnmd with 3 networks, {runs} runs each (taking turns) after 3 unmeasured; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        Console.WriteLine($"machine: {RuntimeInformation.OSDescription}, {Environment.ProcessorCount} logical cores; load average {File.ReadAllText("/proc/loadavg").Trim()}");
        foreach (var (name, ms) in times)
        {
            Console.WriteLine(string.Create(inv, $"{name}: median {StartupRunner.Median(ms):0.0} ms (min {ms.Min():0.0}, max {ms.Max():0.0})"));
        }

        return 0;
    }

    private static ProcessStartInfo Cli(string cli, string host)
    {
        var info = cli.EndsWith(".dll", StringComparison.Ordinal) ? new ProcessStartInfo("dotnet") : new ProcessStartInfo(cli);
        if (cli.EndsWith(".dll", StringComparison.Ordinal))
        {
            info.ArgumentList.Add(cli);
        }

        foreach (var a in new[] { "--host", host, "network", "ls" })
        {
            info.ArgumentList.Add(a);
        }

        return info;
    }

    private static ProcessStartInfo Docker(string host, string config, params string[] args)
    {
        var info = new ProcessStartInfo(DockerCli.Binary);
        foreach (var a in args.Length == 0 ? ["network", "ls"] : args)
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["DOCKER_HOST"] = host;
        info.Environment["DOCKER_CONFIG"] = config;
        info.Environment.Remove("DOCKER_CONTEXT");
        return info;
    }

    /// <summary>Runs to the end and returns the wall seconds; fails on a non-zero exit.</summary>
    private static async Task<double> RunAsync(ProcessStartInfo info)
    {
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        var start = Stopwatch.GetTimestamp();
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().ConfigureAwait(false);
        var seconds = (Stopwatch.GetTimestamp() - start) / (double)Stopwatch.Frequency;
        await stdout.ConfigureAwait(false);
        return process.ExitCode == 0
            ? seconds
            : throw new InvalidOperationException($"{info.FileName} {string.Join(' ', info.ArgumentList)}: rc={process.ExitCode} {await stderr.ConfigureAwait(false)}");
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Plugins.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("no Plugins.sln above " + AppContext.BaseDirectory);
    }
}
