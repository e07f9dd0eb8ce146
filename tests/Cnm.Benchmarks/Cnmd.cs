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

    private Cnmd(TempDirectory temp, Process process)
    {
        Temp = temp;
        _process = process;
    }

    public TempDirectory Temp { get; }

    public string SocketPath => Temp.File("cnmd.sock");

    public string PluginDir => Temp.File("plugins");

    public int Pid => _process.Id;

    /// <summary>Start timestamp (taken just before the process is started) and the ready timestamp.</summary>
    public long StartTimestamp { get; private set; }

    /// <summary>Starts cnmd; <paramref name="executable"/> null means <c>dotnet cnmd.dll</c> (Release build).</summary>
    public static Cnmd Start(string? executable, TempDirectory? temp = null)
    {
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
        })
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("CNMD_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(key);
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var cnmd = new Cnmd(temp, process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.StartsWith("cnmd ready on ", StringComparison.Ordinal) == true)
            {
                cnmd._ready.TrySetResult(Stopwatch.GetTimestamp());
            }
        };
        process.ErrorDataReceived += (_, _) => { };
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
        Temp.Dispose();
    }
}
