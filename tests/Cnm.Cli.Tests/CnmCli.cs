using System.Diagnostics;

namespace Cnm.Cli.Tests;

/// <summary>The built <c>cnm</c> (dotnet cnm.dll) pointed at a cnmd socket.</summary>
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
    public static string CliDll
    {
        get
        {
            var baseDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/'));
            var configuration = baseDir.Parent!.Name;
            var root = baseDir;
            while (root is not null && !File.Exists(Path.Combine(root.FullName, "Plugins.sln")))
            {
                root = root.Parent;
            }

            var dll = Path.Combine(root!.FullName, "src", "Cnm.Cli", "bin", configuration, baseDir.Name, "cnm.dll");
            return File.Exists(dll) ? dll : throw new FileNotFoundException($"cnm is not built: {dll}");
        }
    }

    public Task<Result> RunAsync(params string[] args) => RunWithAsync(null, args);

    /// <summary>Runs cnm; with <paramref name="environment"/> the socket comes from there (CNM_HOST) instead of --host.</summary>
    public async Task<Result> RunWithAsync(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(CliDll);
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
