using System.Diagnostics;
using Cnm.Testing;

namespace Cnm.Plugins.Samples.Tests;

/// <summary>A sample plugin run as its own process (the JIT build next to its project), killed by PID at the end.</summary>
internal sealed class SampleProcess : IDisposable
{
    private readonly Process _process;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _output = new();

    private SampleProcess(Process process) => _process = process;

    /// <summary>What the process wrote so far (stdout and stderr), for failure messages.</summary>
    public string Output => string.Join('\n', _output);

    public int Id => _process.Id;

    public static string DllPath(string project)
    {
        var baseDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/'));
        var root = baseDir;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Plugins.sln")))
        {
            root = root.Parent;
        }

        var dll = Path.Combine(root!.FullName, "plugins", "samples", project, "bin", baseDir.Parent!.Name, baseDir.Name, project + ".dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"{project} is not built: {dll}");
    }

    /// <summary>Starts <c>dotnet SAMPLE.dll ARGS</c>, or with <paramref name="shell"/> a <c>/bin/bash -c</c> line that ends in it.</summary>
    public static SampleProcess Start(string project, IEnumerable<string> arguments, string? shell = null)
    {
        var command = "dotnet " + string.Join(' ', new[] { DllPath(project) }.Concat(arguments).Select(Quote));
        // bash, not sh: dash only takes one-digit descriptors in redirections such as 3<&17.
        var info = new ProcessStartInfo(shell is null ? "/bin/sh" : "/bin/bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(shell is null ? "exec " + command : shell + "; exec " + command);
        info.Environment.Remove("LISTEN_PID");
        info.Environment.Remove("LISTEN_FDS");
        var process = Process.Start(info)!;
        var sample = new SampleProcess(process);
        process.OutputDataReceived += (_, e) => sample._output.Enqueue(e.Data ?? "");
        process.ErrorDataReceived += (_, e) => sample._output.Enqueue(e.Data ?? "");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return sample;
    }

    public static async Task WaitForFileAsync(string path, SampleProcess process)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!File.Exists(path) && !Path.Exists(path))
        {
            if (process._process.HasExited)
            {
                throw new InvalidOperationException($"the sample exited with {process._process.ExitCode} before creating {path}");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the sample did not create {path} within 30 s");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>SIGTERM by PID, a normal stop (the SDK removes its socket); waits for the exit and returns its code.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", ["-TERM", Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    /// <summary>SIGKILL, as a crash: nothing is cleaned up.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(10_000);
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private static string Quote(string argument) => "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
