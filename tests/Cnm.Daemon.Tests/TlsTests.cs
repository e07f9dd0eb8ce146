using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Runtime.Versioning;
using System.Security.Cryptography.X509Certificates;

namespace Cnm.Daemon.Tests;

/// <summary>
/// TCP with TLS and client certificates (spec/daemon-api.md, "Listening and TLS"): the docker CLI over
/// DOCKER_HOST=tcp:// with DOCKER_TLS_VERIFY, refusals of clients the CA did not certify, start-up refusals,
/// and the unix socket's group.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class TlsTests
{
    private static readonly TimeSpan ExitBound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task DockerCli_OverTcpTls_CreatesListsAndRemovesNetworks_UnixSocketServesAtTheSameTime()
    {
        using var tls = await TlsDaemon.CreateAsync();

        var create = await tls.DockerTcpAsync(tls.ClientDir, "network", "create", "-d", "null", "tlsnet");
        Assert.True(create.ExitCode == 0, create.ToString());
        var ls = await tls.DockerTcpAsync(tls.ClientDir, "network", "ls", "--format", "{{.Name}} {{.Driver}}");
        Assert.True(ls.ExitCode == 0, ls.ToString());
        Assert.Contains("tlsnet null", ls.Stdout, StringComparison.Ordinal);

        using (var unix = DaemonFixture.CreateClient(tls.SocketPath))
        {
            Assert.Contains("\"tlsnet\"", await unix.GetStringAsync("/networks"), StringComparison.Ordinal);
        }

        var rm = await tls.DockerTcpAsync(tls.ClientDir, "network", "rm", "tlsnet");
        Assert.True(rm.ExitCode == 0, rm.ToString());
        ls = await tls.DockerTcpAsync(tls.ClientDir, "network", "ls", "--format", "{{.Name}}");
        Assert.DoesNotContain("tlsnet", ls.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigFileAndEnvironment_HostListAndTlsSettings_ServeUnixAndTcp()
    {
        using var tls = await TlsDaemon.CreateAsync(start: false);
        var config = tls.Temp.WriteFile("cnmd.json", $$"""
            {"Host":["unix://{{tls.SocketPath}}","tcp://127.0.0.1:0"],"TlsVerify":true,
             "TlsCaCert":"{{tls.Temp.File("server", "ca.pem")}}","TlsCert":"{{tls.Temp.File("server", "cert.pem")}}"}
            """);
        await tls.StartAsync(["--config-file", config, .. tls.PathArgs],
            new Dictionary<string, string> { ["CNMD_TLSKEY"] = tls.Temp.File("server", "key.pem") });
        Assert.Contains($"cnmd ready on unix://{tls.SocketPath}, tcp://127.0.0.1:{tls.Port}", tls.Daemon.Stdout, StringComparison.Ordinal);

        var ls = await tls.DockerTcpAsync(tls.ClientDir, "network", "ls");
        Assert.True(ls.ExitCode == 0, ls.ToString());
        using var unix = DaemonFixture.CreateClient(tls.SocketPath);
        Assert.Equal("OK", await unix.GetStringAsync("/_ping"));
    }

    [Fact]
    public async Task Client_WithoutCertificate_Refused()
    {
        using var tls = await TlsDaemon.CreateAsync();
        using var anonymous = HttpsClient(tls, clientCertificate: null);
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => anonymous.GetStringAsync("/_ping"));

        using var trusted = HttpsClient(tls, X509Certificate2.CreateFromPemFile(
            Path.Combine(tls.ClientDir, "cert.pem"), Path.Combine(tls.ClientDir, "key.pem")));
        Assert.Equal("OK", await trusted.GetStringAsync("/_ping"));
    }

    [Fact]
    public async Task Client_CertificateFromAnotherCa_RefusedByDockerCliAndHttp()
    {
        using var tls = await TlsDaemon.CreateAsync();
        using var otherCa = TestCertificates.CreateCa("Another CA");
        using var stranger = TestCertificates.CreateClient(otherCa, "stranger");
        var dir = tls.Temp.CreateDirectory("stranger");
        TlsDaemon.WriteSet(tls.Ca, stranger, dir); // trusts the server, but presents a certificate cnmd's CA never signed

        var result = await tls.DockerTcpAsync(dir, "network", "ls");
        Assert.NotEqual(0, result.ExitCode);
        Assert.DoesNotContain("NETWORK ID", result.Stdout, StringComparison.Ordinal);

        using var http = HttpsClient(tls, X509CertificateLoader.LoadPkcs12(stranger.Export(X509ContentType.Pfx), null));
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => http.GetStringAsync("/_ping"));

        var good = await tls.DockerTcpAsync(tls.ClientDir, "network", "ls");
        Assert.True(good.ExitCode == 0, good.ToString());
    }

    [Theory]
    [InlineData(new string[0], "missing --tlsverify, --tlscacert, --tlscert, --tlskey")]
    [InlineData(new[] { "--tlsverify", "--tlscacert", "/nonexistent/ca.pem" }, "missing --tlscert, --tlskey")]
    public async Task TcpHost_WithoutTlsFlags_RefusesToStart_NamingMissingFlags(string[] tlsArgs, string expected)
    {
        using var tls = await TlsDaemon.CreateAsync(start: false);
        using var daemon = DaemonProcess.Start(["--host", "unix://" + tls.SocketPath, "--host", "tcp://127.0.0.1:0", .. tlsArgs, .. tls.PathArgs]);
        Assert.Equal(1, await daemon.WaitExitAsync(ExitBound));
        Assert.Contains("--host tcp://127.0.0.1:0: TCP is served only with TLS and client certificates; " + expected, daemon.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(tls.SocketPath), "a refused start creates no socket");
    }

    [Theory]
    [InlineData("--tlscacert", "garbage", "the file holds no PEM certificate")]
    [InlineData("--tlscacert", null, "cannot read a PEM certificate")]
    [InlineData("--tlscert", null, "cannot read the file")]
    [InlineData("--tlskey", "garbage", "not a PEM certificate and its matching private key")]
    public async Task TlsFile_MissingOrInvalid_RefusesToStart_NamingTheFile(string flag, string? contents, string reason)
    {
        using var tls = await TlsDaemon.CreateAsync(start: false);
        var bad = contents is null ? tls.Temp.File("missing.pem") : tls.Temp.WriteFile("bad.pem", contents);
        var args = tls.TlsArgs.ToList();
        args[args.IndexOf(flag) + 1] = bad;
        using var daemon = DaemonProcess.Start(["--host", "unix://" + tls.SocketPath, "--host", "tcp://127.0.0.1:0", .. args, .. tls.PathArgs]);
        Assert.Equal(1, await daemon.WaitExitAsync(ExitBound));
        Assert.Contains($"{flag} {bad}", daemon.Stderr, StringComparison.Ordinal);
        Assert.Contains(reason, daemon.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(tls.SocketPath), "a refused start creates no socket");
    }

    /// <summary>Needs root (groupadd); the throwaway group is removed afterwards.</summary>
    [Fact]
    public async Task GroupFlag_SocketBelongsToGroup_Mode0660_DefaultIsDockerElseRoot()
    {
        var group = "cnmt" + Guid.NewGuid().ToString("N")[..8];
        Assert.True(await RunAsync("groupadd", group) is (0, _), "groupadd needs root");
        try
        {
            var gid = (await RunAsync("getent", "group", group)).Output.Split(':')[2];
            using var tls = await TlsDaemon.CreateAsync(start: false);
            using (var daemon = DaemonProcess.Start(["--host", "unix://" + tls.SocketPath, "--group", group, .. tls.PathArgs]))
            {
                await daemon.WaitReadyAsync();
                Assert.Equal($"{gid} 660", (await RunAsync("stat", "-c", "%g %a", tls.SocketPath)).Output.Trim());
            }

            var docker = await RunAsync("getent", "group", "docker");
            var expectedDefault = docker.ExitCode == 0 ? docker.Output.Split(':')[2] : "0";
            var socket = tls.Temp.File("default.sock");
            using (var daemon = DaemonProcess.Start(["--host", "unix://" + socket, .. tls.PathArgs]))
            {
                await daemon.WaitReadyAsync();
                Assert.Equal($"{expectedDefault} 660", (await RunAsync("stat", "-c", "%g %a", socket)).Output.Trim());
            }
        }
        finally
        {
            await RunAsync("groupdel", group);
        }
    }

    [Fact]
    public async Task UnknownGroup_RefusesToStart()
    {
        using var tls = await TlsDaemon.CreateAsync(start: false);
        using var daemon = DaemonProcess.Start(["--host", "unix://" + tls.SocketPath, .. tls.PathArgs],
            new Dictionary<string, string> { ["CNMD_GROUP"] = "no-such-group-cnm" });
        Assert.Equal(1, await daemon.WaitExitAsync(ExitBound));
        Assert.Contains("--group no-such-group-cnm: no such group", daemon.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(tls.SocketPath));
    }

    private static HttpClient HttpsClient(TlsDaemon tls, X509Certificate2? clientCertificate)
    {
        var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        policy.CustomTrustStore.Add(tls.Ca);
        var options = new SslClientAuthenticationOptions { CertificateChainPolicy = policy };
        if (clientCertificate is not null)
        {
            options.ClientCertificates = [clientCertificate];
        }

        return new HttpClient(new SocketsHttpHandler { SslOptions = options })
        {
            BaseAddress = new Uri($"https://{IPAddress.Loopback}:{tls.Port}"),
            Timeout = TimeSpan.FromSeconds(20),
        };
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }
}
