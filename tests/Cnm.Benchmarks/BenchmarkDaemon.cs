using System.Diagnostics;
using System.Globalization;
using Cnm.Testing;

namespace Cnm.Benchmarks;

/// <summary>
/// A cnmd for the daemon benchmarks, started by <see cref="DaemonProcess"/>: the Release cnmd.dll next to this
/// project (run by <c>dotnet</c>) or a given executable (a published or native cnmd), with every path in a temp
/// directory and <c>--log-level warn</c>. Measures the time from process start to the readiness line and to the
/// first answer of <c>/_ping</c>.
/// </summary>
internal sealed class BenchmarkDaemon : IDisposable
{
    private readonly DaemonProcess _process;
    private readonly bool _ownsTemp;

    private BenchmarkDaemon(TempDirectory temp, DaemonProcess process, bool ownsTemp)
    {
        Temp = temp;
        _process = process;
        _ownsTemp = ownsTemp;
    }

    public TempDirectory Temp { get; }

    /// <summary>What cnmd wrote to stderr so far (warnings and errors).</summary>
    public string Stderr => _process.Stderr;

    public string SocketPath => Temp.File("cnmd.sock");

    public string PluginDir => Temp.File("plugins");

    /// <summary>
    /// Starts cnmd; <paramref name="executable"/> null means <c>dotnet cnmd.dll</c> (Release build), whatever
    /// <c>CNM_DAEMON_PATH</c> says. <paramref name="extraArgs"/> come after the default paths, so they win (e.g.
    /// <c>--store memory</c>, another <c>--plugin-dir</c>). A <paramref name="temp"/> given by the caller stays after
    /// dispose (the caller owns it: a data root reused by several starts).
    /// </summary>
    public static BenchmarkDaemon Start(string? executable, TempDirectory? temp = null, IEnumerable<string>? extraArgs = null)
    {
        var ownsTemp = temp is null;
        temp ??= new TempDirectory("cnmb");
        Directory.CreateDirectory(temp.File("plugins"));
        string[] args =
        [
            "--host", "unix://" + temp.File("cnmd.sock"), "--plugin-dir", temp.File("plugins"),
            "--spec-dir", temp.File("specs"), "--data-root", temp.File("data"), "--exec-root", temp.File("exec"),
            "--log-level", "warn", .. extraArgs ?? [],
        ];
        return new BenchmarkDaemon(temp, DaemonProcess.Start(args, executable: executable ?? DaemonProcess.DaemonDll), ownsTemp);
    }

    /// <summary>Waits for the readiness line and returns the seconds from process start to it.</summary>
    public async Task<double> WaitReadyAsync()
    {
        await _process.WaitReadyAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        return Seconds(_process.ReadyTimestamp);
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
                    return Seconds(Stopwatch.GetTimestamp());
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
    public Task<int> StopAsync() => _process.TerminateAsync(TimeSpan.FromSeconds(60));

    /// <summary>Resident set size in MB (VmRSS of /proc/PID/status).</summary>
    public double RssMegabytes()
    {
        var line = File.ReadLines($"/proc/{_process.Pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        var kb = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        return kb / 1024.0;
    }

    /// <summary>One keep-alive HttpClient over the API socket.</summary>
    public HttpClient CreateClient() => UnixHttp.CreateClient(SocketPath);

    public void Dispose()
    {
        _process.Dispose();
        if (_ownsTemp)
        {
            Temp.Dispose();
        }
    }

    private double Seconds(long timestamp) => (timestamp - _process.StartTimestamp) / (double)Stopwatch.Frequency;
}
