using System.Diagnostics;

namespace Cnm.Testing;

/// <summary>The real docker CLI (<c>/usr/local/bin/docker</c>) pointed at a cnmd socket, with a private config directory.</summary>
public sealed class DockerCli(string socketPath, string configDirectory)
{
    public const string Binary = "/usr/local/bin/docker";

    public sealed record Result(int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed)
    {
        public override string ToString() => $"rc={ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
    }

    public async Task<Result> RunAsync(params string[] args)
    {
        var info = new ProcessStartInfo(Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-H");
        info.ArgumentList.Add("unix://" + socketPath);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment.Remove("DOCKER_HOST");
        info.Environment.Remove("DOCKER_CONTEXT");
        info.Environment.Remove("DOCKER_API_VERSION");
        info.Environment["DOCKER_CONFIG"] = configDirectory;

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(cts.Token);
        clock.Stop();
        return new Result(process.ExitCode, await stdout, await stderr, clock.Elapsed);
    }
}
