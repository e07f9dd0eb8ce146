using System.Diagnostics;
using System.Text;

namespace Cnm.DaemonBench.Tests;

/// <summary>
/// <c>cnm-daemonbench</c> (tests/Cnm.DaemonBench, built in the same configuration) run as a child process with
/// dotnet; its output is collected, and it is killed by PID on dispose.
/// </summary>
internal sealed class BenchTool : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private BenchTool(Process process) => _process = process;

    public string Output { get { lock (_output) { return _output.ToString(); } } }

    /// <summary>The tool's dll, found from this test assembly's output directory (…/tests/X/bin/CONFIG/TFM).</summary>
    public static string Dll
    {
        get
        {
            var tfm = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/'));
            var tests = tfm.Parent!.Parent!.Parent!.Parent!.FullName;
            var dll = Path.Combine(tests, "Cnm.DaemonBench", "bin", tfm.Parent.Name, tfm.Name, "cnm-daemonbench.dll");
            return File.Exists(dll) ? dll : throw new FileNotFoundException($"Cnm.DaemonBench is not built: {dll}");
        }
    }

    public static BenchTool Start(params string[] args) => Start(null, args);

    /// <summary>As <see cref="Start(string[])"/>, with <paramref name="environment"/> added to the tool's environment.</summary>
    public static BenchTool Start(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        info.ArgumentList.Add(Dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        var process = new Process { StartInfo = info };
        var tool = new BenchTool(process);
        process.OutputDataReceived += (_, e) => tool.Append(e.Data);
        process.ErrorDataReceived += (_, e) => tool.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return tool;
    }

    /// <summary>Waits for the process to exit (generous deadline) and returns its exit code.</summary>
    public async Task<int> WaitExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    /// <summary>Polls until <paramref name="path"/> exists (a socket the tool binds), failing with its output.</summary>
    public async Task WaitForFileAsync(string path, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!File.Exists(path))
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"cnm-daemonbench did not create {path}; output:\n{Output}");
            }

            await Task.Delay(25);
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
