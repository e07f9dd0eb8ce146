using System.Diagnostics;
using System.Text;

namespace Cnm.Testing;

/// <summary>A real <c>cnmd</c> child process, started from the daemon project's build output and killed by PID.</summary>
public sealed class DaemonProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _readyTimestamp;

    private DaemonProcess(Process process) => _process = process;

    public string Stdout { get { lock (_stdout) { return _stdout.ToString(); } } }

    public string Stderr { get { lock (_stderr) { return _stderr.ToString(); } } }

    public int Pid => _process.Id;

    /// <summary>True once the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The exit code; only once <see cref="HasExited"/>.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>The <see cref="Stopwatch"/> timestamp taken just before the process was started.</summary>
    public long StartTimestamp { get; private set; }

    /// <summary>The <see cref="Stopwatch"/> timestamp at which the readiness line arrived; 0 until then.</summary>
    public long ReadyTimestamp => Interlocked.Read(ref _readyTimestamp);

    /// <summary>The cnmd.dll built next to this test project (same configuration).</summary>
    public static string DaemonDll => BuiltArtifacts.Dll("Cnm.Daemon", "cnmd.dll");

    /// <summary>
    /// The native cnmd (Native AOT publish) named by <c>CNM_DAEMON_PATH</c>, as tests/run sets it, or null to run
    /// <see cref="DaemonDll"/> with dotnet.
    /// </summary>
    public static string? NativeDaemon => BuiltArtifacts.FromEnvironment("CNM_DAEMON_PATH");

    /// <summary>
    /// Starts cnmd with <paramref name="args"/>; <paramref name="wrapper"/> is a command line it runs under (e.g.
    /// <c>setpriv --bounding-set=-net_admin --</c>), null for none. <paramref name="executable"/> is the cnmd to run: a
    /// <c>.dll</c> (run with dotnet) or a native cnmd; null for <see cref="NativeDaemon"/>, else <see cref="DaemonDll"/>.
    /// </summary>
    public static DaemonProcess Start(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null,
        IReadOnlyList<string>? wrapper = null, string? executable = null)
    {
        var native = executable is null ? NativeDaemon : executable.EndsWith(".dll", StringComparison.Ordinal) ? null : executable;
        var info = new ProcessStartInfo(wrapper is { Count: > 0 } ? wrapper[0] : native ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (wrapper is { Count: > 0 })
        {
            foreach (var arg in wrapper.Skip(1))
            {
                info.ArgumentList.Add(arg);
            }

            info.ArgumentList.Add(native ?? "dotnet");
        }

        if (native is null)
        {
            info.ArgumentList.Add(executable ?? DaemonDll);
        }

        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("CNMD_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(key);
        }

        // In-memory sandboxes unless the test asks for linux (--sandbox linux, or CNMD_SANDBOX in its environment):
        // the mock plugins' Join names interfaces that do not exist, and most tests need no namespace.
        info.Environment["CNMD_SANDBOX"] = "memory";

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var daemon = new DaemonProcess(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (daemon._stdout)
            {
                daemon._stdout.AppendLine(e.Data);
            }

            if (e.Data.StartsWith("cnmd ready on ", StringComparison.Ordinal))
            {
                Interlocked.CompareExchange(ref daemon._readyTimestamp, Stopwatch.GetTimestamp(), 0);
                daemon._ready.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (daemon._stderr)
                {
                    daemon._stderr.AppendLine(e.Data);
                }
            }
        };
        process.Exited += (_, _) => daemon._ready.TrySetException(new InvalidOperationException("cnmd exited before it was ready"));
        daemon.StartTimestamp = Stopwatch.GetTimestamp();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return daemon;
    }

    /// <summary>Waits for the readiness line; fails with cnmd's output when it does not come.</summary>
    public async Task WaitReadyAsync(TimeSpan? timeout = null)
    {
        try
        {
            await _ready.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(30));
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
        {
            throw new InvalidOperationException($"cnmd did not get ready: {ex.Message}\nstdout:\n{Stdout}\nstderr:\n{Stderr}", ex);
        }
    }

    /// <summary>
    /// Waits until cnmd's stdout or stderr holds <paramref name="text"/>. Its two streams are read by separate
    /// background readers, so a line logged before an answer may reach us after it: poll, do not read once.
    /// </summary>
    public async Task WaitForOutputAsync(string text, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (!(Stdout.Contains(text, StringComparison.Ordinal) || Stderr.Contains(text, StringComparison.Ordinal)))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"cnmd did not print \"{text}\"\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
            }

            await Task.Delay(25);
        }
    }

    /// <summary>Sends SIGTERM (a normal stop) to this cnmd, by its PID, and waits for it to exit; returns the exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", ["-TERM", Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        return await WaitExitAsync(timeout);
    }

    /// <summary>Sends SIGKILL to this cnmd, by its PID: no shutdown code runs. Waits until it is gone.</summary>
    public async Task KillHardAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    /// <summary>Waits for the process to exit and returns its exit code.</summary>
    public async Task<int> WaitExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
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
}
