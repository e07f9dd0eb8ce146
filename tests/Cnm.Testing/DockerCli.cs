using System.Diagnostics;

namespace Cnm.Testing;

/// <summary>
/// The real docker CLI pointed at a cnmd socket, with a private config directory. The binary is <c>CNM_DOCKER_CLI</c>
/// when set, else the first <c>docker</c> on <c>PATH</c> (tests/run installs Debian's <c>docker.io</c>, whose CLI is
/// <c>/usr/bin/docker</c>, when there is none). Only the client runs: no test needs a Docker daemon.
/// </summary>
public sealed class DockerCli(string socketPath, string configDirectory)
{
    /// <summary>The environment variable that names the docker CLI to use.</summary>
    public const string PathVariable = "CNM_DOCKER_CLI";

    private static readonly Lazy<string> Found = new(Find);

    /// <summary>The docker CLI's path; throws, saying how to provide one, when there is none.</summary>
    public static string Binary => Found.Value;

    private static string Find()
    {
        if (Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } named)
        {
            return File.Exists(named) ? named
                : throw new InvalidOperationException($"{PathVariable}={named}: no such file; point it at a docker CLI binary");
        }

        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Join(directory, "docker");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException(
            $"no docker CLI found: put docker on PATH or set {PathVariable} (tests/run installs Debian's docker.io when there is none)");
    }

    public sealed record Result(int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed)
    {
        public override string ToString() => $"rc={ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
    }

    public Task<Result> RunAsync(params string[] args) => RunWithApiVersionAsync(null, args);

    /// <summary>Runs the CLI with <c>DOCKER_API_VERSION</c> set (null: unset), so it sends that <c>/vX.Y/</c> prefix.</summary>
    public async Task<Result> RunWithApiVersionAsync(string? apiVersion, params string[] args)
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
        if (apiVersion is not null)
        {
            info.Environment["DOCKER_API_VERSION"] = apiVersion;
        }

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
