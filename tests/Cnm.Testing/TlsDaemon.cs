using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;

namespace Cnm.Testing;

/// <summary>
/// A cnmd serving a unix socket and TLS on 127.0.0.1 (a free port it picks), with certificates made for the test:
/// a CA, the server's certificate and a client directory laid out as DOCKER_CERT_PATH (ca.pem, cert.pem, key.pem).
/// </summary>
public sealed partial class TlsDaemon : IDisposable
{
    private TlsDaemon(TempDirectory temp, X509Certificate2 ca)
    {
        Temp = temp;
        Ca = ca;
    }

    public TempDirectory Temp { get; }

    public X509Certificate2 Ca { get; }

    public DaemonProcess Daemon { get; private set; } = null!;

    public string SocketPath => Temp.File("cnmd.sock");

    /// <summary>ca.pem, cert.pem and key.pem of a client the daemon trusts.</summary>
    public string ClientDir => Temp.File("client");

    public int Port { get; private set; }

    public string TcpHost => $"tcp://127.0.0.1:{Port}";

    /// <summary>The server's TLS flags.</summary>
    public IReadOnlyList<string> TlsArgs =>
        ["--tlsverify", "--tlscacert", Temp.File("server", "ca.pem"), "--tlscert", Temp.File("server", "cert.pem"), "--tlskey", Temp.File("server", "key.pem")];

    /// <summary>Daemon flags with every path in the temp directory and no --host.</summary>
    public IReadOnlyList<string> PathArgs =>
        ["--plugin-dir", Temp.File("p"), "--spec-dir", Temp.File("s"), "--data-root", Temp.File("d"), "--exec-root", Temp.File("e")];

    /// <summary>Makes the certificates; starts the daemon unless <paramref name="start"/> is false.</summary>
    public static async Task<TlsDaemon> CreateAsync(bool start = true, IEnumerable<string>? extraArgs = null)
    {
        var temp = new TempDirectory("cnmtls");
        var daemon = new TlsDaemon(temp, TestCertificates.CreateCa());
        WriteSet(daemon.Ca, TestCertificates.CreateServer(daemon.Ca, IPAddress.Loopback), temp.CreateDirectory("server"));
        WriteSet(daemon.Ca, TestCertificates.CreateClient(daemon.Ca), temp.CreateDirectory("client"));
        if (start)
        {
            await daemon.StartAsync(
                ["--host", "unix://" + daemon.SocketPath, "--host", "tcp://127.0.0.1:0", .. daemon.TlsArgs, .. daemon.PathArgs, .. extraArgs ?? []]);
        }

        return daemon;
    }

    /// <summary>Starts cnmd with exactly these arguments and reads the TCP port from its ready line.</summary>
    public async Task StartAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        Daemon = DaemonProcess.Start(args, environment);
        await Daemon.WaitReadyAsync();
        var match = ReadyTcp().Match(Daemon.Stdout);
        Port = match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)
            : throw new InvalidOperationException("no tcp:// address in cnmd's ready line: " + Daemon.Stdout);
    }

    /// <summary>Writes ca.pem, cert.pem and key.pem of <paramref name="leaf"/> into <paramref name="directory"/>.</summary>
    public static void WriteSet(X509Certificate2 ca, X509Certificate2 leaf, string directory)
    {
        TestCertificates.WriteCertificatePem(ca, Path.Combine(directory, "ca.pem"));
        TestCertificates.WriteCertificatePem(leaf, Path.Combine(directory, "cert.pem"));
        TestCertificates.WriteKeyPem(leaf, Path.Combine(directory, "key.pem"));
    }

    /// <summary>Runs the docker CLI over TCP with DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH=<paramref name="certDir"/>.</summary>
    public async Task<DockerCli.Result> DockerTcpAsync(string certDir, params string[] args)
    {
        var info = new ProcessStartInfo(DockerCli.Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment.Remove("DOCKER_CONTEXT");
        info.Environment.Remove("DOCKER_API_VERSION");
        info.Environment["DOCKER_HOST"] = TcpHost;
        info.Environment["DOCKER_TLS_VERIFY"] = "1";
        info.Environment["DOCKER_CERT_PATH"] = certDir;
        info.Environment["DOCKER_CONFIG"] = Temp.CreateDirectory("docker-config");
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(cts.Token);
        return new DockerCli.Result(process.ExitCode, await stdout, await stderr, clock.Elapsed);
    }

    public void Dispose()
    {
        Daemon?.Dispose();
        Ca.Dispose();
        Temp.Dispose();
    }

    [GeneratedRegex(@"tcp://127\.0\.0\.1:(\d+)")]
    private static partial Regex ReadyTcp();
}
