namespace Cnm.Cli.Tests;

/// <summary>cnm against cnmd over TCP with TLS and a client certificate, by flags, by variables and by --tls-dir.</summary>
public sealed class TlsCliTests
{
    [Fact]
    public async Task Cnm_OverTcpTls_Flags_CreatesAndListsNetworks()
    {
        using var tls = await TlsDaemon.CreateAsync();
        var cnm = new CnmCli(tls.SocketPath);
        string[] flags = ["--host", tls.TcpHost, "--tlscacert", Path.Combine(tls.ClientDir, "ca.pem"),
            "--tlscert", Path.Combine(tls.ClientDir, "cert.pem"), "--tlskey", Path.Combine(tls.ClientDir, "key.pem")];

        var create = await cnm.RunWithAsync(new Dictionary<string, string>(), [.. flags, "network", "create", "tlsflags"]);
        Assert.True(create.ExitCode == 0, create.ToString());
        var ls = await cnm.RunWithAsync(new Dictionary<string, string>(), [.. flags, "network", "ls"]);
        Assert.True(ls.ExitCode == 0, ls.ToString());
        Assert.Contains("tlsflags", ls.Stdout, StringComparison.Ordinal);

        // The same daemon on its unix socket sees the network made over TCP.
        var unix = await cnm.RunAsync("network", "ls");
        Assert.Contains("tlsflags", unix.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cnm_OverTcpTls_EnvironmentAndTlsDir_Work()
    {
        using var tls = await TlsDaemon.CreateAsync();
        var cnm = new CnmCli(tls.SocketPath);
        var byVariables = await cnm.RunWithAsync(new Dictionary<string, string>
        {
            ["CNM_HOST"] = tls.TcpHost,
            ["CNM_TLS_CACERT"] = Path.Combine(tls.ClientDir, "ca.pem"),
            ["CNM_TLS_CERT"] = Path.Combine(tls.ClientDir, "cert.pem"),
            ["CNM_TLS_KEY"] = Path.Combine(tls.ClientDir, "key.pem"),
        }, "network", "create", "tlsenv");
        Assert.True(byVariables.ExitCode == 0, byVariables.ToString());

        var byDir = await cnm.RunWithAsync(new Dictionary<string, string> { ["CNM_HOST"] = tls.TcpHost }, "--tls-dir", tls.ClientDir, "network", "ls");
        Assert.True(byDir.ExitCode == 0, byDir.ToString());
        Assert.Contains("tlsenv", byDir.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cnm_TcpWithoutTlsFiles_UsageErrorNamingThem_CertificateOfAnotherCa_Refused()
    {
        using var tls = await TlsDaemon.CreateAsync();
        var cnm = new CnmCli(tls.SocketPath);
        var bare = await cnm.RunWithAsync(new Dictionary<string, string> { ["CNM_HOST"] = tls.TcpHost }, "network", "ls");
        Assert.Equal(2, bare.ExitCode);
        Assert.Contains("missing --tlscacert, --tlscert, --tlskey", bare.Error, StringComparison.Ordinal);

        using var otherCa = TestCertificates.CreateCa("Another CA");
        using var stranger = TestCertificates.CreateClient(otherCa, "stranger");
        var dir = tls.Temp.CreateDirectory("stranger");
        TlsDaemon.WriteSet(tls.Ca, stranger, dir);
        var refused = await cnm.RunWithAsync(new Dictionary<string, string> { ["CNM_HOST"] = tls.TcpHost, ["CNM_TLS_DIR"] = dir }, "network", "ls");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains($"cannot reach cnmd at {tls.TcpHost}", refused.Error, StringComparison.Ordinal);
    }
}
