using System.Diagnostics;

namespace Cnm.Cli.Tests;

/// <summary>
/// The built <c>cnm</c> pointed at a cnmd socket: the native binary named by <c>CNM_CLI_PATH</c> when that is set
/// (./tests/run publishes cnm with Native AOT and sets it), else <c>dotnet cnm.dll</c> from the build.
/// </summary>
public sealed class CnmCli(string socketPath)
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed)
    {
        /// <summary>Progress lines cnm prints while a call takes over a second; a loaded machine may show them on any call.</summary>
        public const string ProgressPrefix = "still waiting for cnmd (";

        /// <summary>Stderr without progress lines: what the user is told went wrong.</summary>
        public string Error => string.Concat(Stderr.Split('\n').Where(l => !l.StartsWith(ProgressPrefix, StringComparison.Ordinal)).Select(l => l.Length == 0 ? "" : l + "\n"));

        public override string ToString() => $"rc={ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
    }

    /// <summary>The cnm.dll built next to this test project (same configuration).</summary>
    public static string CliDll => BuiltArtifacts.Dll("Cnm.Cli", "cnm.dll");

    /// <summary>The native cnm from <c>CNM_CLI_PATH</c>, or null to run <see cref="CliDll"/> with dotnet.</summary>
    public static string? NativeCli => BuiltArtifacts.FromEnvironment("CNM_CLI_PATH");

    public Task<Result> RunAsync(params string[] args) => RunWithAsync(null, args);

    /// <summary>Runs cnm; with <paramref name="environment"/> the socket comes from there (CNM_HOST) instead of --host.</summary>
    public async Task<Result> RunWithAsync(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var native = NativeCli;
        var info = new ProcessStartInfo(native ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (native is null)
        {
            info.ArgumentList.Add(CliDll);
        }

        info.Environment.Remove("CNM_HOST");
        if (environment is null)
        {
            info.ArgumentList.Add("--host");
            info.ArgumentList.Add("unix://" + socketPath);
        }
        else
        {
            foreach (var (key, value) in environment)
            {
                info.Environment[key] = value;
            }
        }

        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(cts.Token);
        clock.Stop();
        return new Result(process.ExitCode, await stdout, await stderr, clock.Elapsed);
    }
}
