using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Cnm.Testing;

namespace Cnm.Benchmarks;

/// <summary>
/// A cnmd child process for the daemon benchmarks: either the Release cnmd.dll next to this project (run by
/// <c>dotnet</c>) or a given executable (a published or native cnmd), with every path in a temp directory.
/// Measures the time from process start to the readiness line. Killed by PID on dispose.
/// </summary>
internal sealed class Cnmd : IDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource<long> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private readonly bool _ownsTemp;
    private readonly System.Text.StringBuilder _stderr = new();

    private Cnmd(TempDirectory temp, Process process, bool ownsTemp)
    {
        Temp = temp;
        _process = process;
        _ownsTemp = ownsTemp;
    }

    public TempDirectory Temp { get; }

    /// <summary>What cnmd wrote to stderr so far (warnings and errors: it runs with <c>--log-level warn</c>).</summary>
    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public string SocketPath => Temp.File("cnmd.sock");

    public string PluginDir => Temp.File("plugins");

    public int Pid => _process.Id;

    /// <summary>Start timestamp (taken just before the process is started) and the ready timestamp.</summary>
    public long StartTimestamp { get; private set; }

    /// <summary>
    /// Starts cnmd; <paramref name="executable"/> null means <c>dotnet cnmd.dll</c> (Release build).
    /// <paramref name="extraArgs"/> come after the default paths, so they win (e.g. <c>--store memory</c>,
    /// another <c>--plugin-dir</c>). A <paramref name="temp"/> given by the caller stays after dispose (the
    /// caller owns it: a data root reused by several starts).
    /// </summary>
    public static Cnmd Start(string? executable, TempDirectory? temp = null, IEnumerable<string>? extraArgs = null)
    {
        var ownsTemp = temp is null;
        temp ??= new TempDirectory("cnmb");
        Directory.CreateDirectory(temp.File("plugins"));
        ProcessStartInfo info;
        if (executable is null || executable.EndsWith(".dll", StringComparison.Ordinal))
        {
            info = new ProcessStartInfo("dotnet");
            info.ArgumentList.Add(executable ?? DaemonProcess.DaemonDll);
        }
        else
        {
            info = new ProcessStartInfo(executable);
        }

        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        foreach (var arg in new[]
        {
            "--host", "unix://" + temp.File("cnmd.sock"), "--plugin-dir", temp.File("plugins"),
            "--spec-dir", temp.File("specs"), "--data-root", temp.File("data"), "--exec-root", temp.File("exec"),
            "--log-level", "warn",
        }.Concat(extraArgs ?? []))
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

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var cnmd = new Cnmd(temp, process, ownsTemp);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.StartsWith("cnmd ready on ", StringComparison.Ordinal) == true)
            {
                cnmd._ready.TrySetResult(Stopwatch.GetTimestamp());
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (cnmd._stderr)
                {
                    cnmd._stderr.AppendLine(e.Data);
                }
            }
        };
        process.Exited += (_, _) => cnmd._ready.TrySetException(new InvalidOperationException("cnmd exited before it was ready"));
        cnmd.StartTimestamp = Stopwatch.GetTimestamp();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return cnmd;
    }

    /// <summary>Waits for the readiness line and returns the seconds from process start to it.</summary>
    public async Task<double> WaitReadyAsync()
    {
        var ready = await _ready.Task.WaitAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        return (ready - StartTimestamp) / (double)Stopwatch.Frequency;
    }

    /// <summary>
    /// Polls <c>GET /_ping</c> on a fresh connection each time until it answers 200; returns the seconds from
    /// process start to that answer (the API is serving).
    /// </summary>
    public async Task<double> WaitPingAsync()
    {
        var deadline = Stopwatch.GetTimestamp() + (60 * Stopwatch.Frequency);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"cnmd exited with {_process.ExitCode} before it answered /_ping");
            }

            try
            {
                using var http = CreateClient();
                using var response = await http.GetAsync(new Uri("/_ping", UriKind.Relative)).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return (Stopwatch.GetTimestamp() - StartTimestamp) / (double)Stopwatch.Frequency;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException("cnmd did not answer /_ping within 60 s");
            }

            await Task.Delay(1).ConfigureAwait(false);
        }
    }

    /// <summary>Sends SIGTERM by PID (a clean stop: the store is closed) and waits for the exit; returns its code.</summary>
    public async Task<int> StopAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", Pid.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync().ConfigureAwait(false);
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        return _process.ExitCode;
    }

    /// <summary>Resident set size in MB (VmRSS of /proc/PID/status).</summary>
    public double RssMegabytes()
    {
        var line = File.ReadLines($"/proc/{Pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        var kb = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        return kb / 1024.0;
    }

    /// <summary>One keep-alive HttpClient over the API socket.</summary>
    public HttpClient CreateClient()
    {
        var socketPath = SocketPath;
        return new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        })
        { BaseAddress = new Uri("http://cnmd.localhost") };
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
        if (_ownsTemp)
        {
            Temp.Dispose();
        }
    }
}
