using Cnm.Testing;

namespace Cnm.Daemon.Tests;

/// <summary>
/// Issue 10, "TLS without verification": a plugin reached over https:// without verifying its certificate (here a
/// <c>.spec</c> file, which the reference never verifies) is refused under <c>--plugin-tls-verify</c>, its env
/// variable and its config key; without it, cnmd tries it (and warns).
/// </summary>
public sealed class PluginTlsVerifyTests
{
    [Theory]
    [InlineData("flag")]
    [InlineData("env")]
    [InlineData("config")]
    public async Task NetworkCreate_UnverifiedHttpsPlugin_RefusedWhenVerificationRequired(string how)
    {
        using var temp = new TempDirectory("cnmd");
        var specs = temp.CreateDirectory("s");
        var specFile = Path.Join(specs, "loose.spec");
        await File.WriteAllTextAsync(specFile, "https://127.0.0.1:1\n");
        var socket = temp.File("d.sock");
        List<string> args = ["--host", "unix://" + socket, "--group", "root", "--plugin-dir", temp.File("p"), "--spec-dir", specs,
            "--data-root", temp.File("d"), "--exec-root", temp.File("e")];
        var environment = new Dictionary<string, string>();
        switch (how)
        {
            case "flag":
                args.Add("--plugin-tls-verify");
                break;
            case "env":
                environment["CNMD_PLUGINTLSVERIFY"] = "true";
                break;
            default:
                args.AddRange(["--config-file", temp.WriteFile("cnmd.json", """{"PluginTlsVerify":true}""")]);
                break;
        }

        using var daemon = DaemonProcess.Start(args, environment);
        await daemon.WaitReadyAsync();
        var docker = new DockerCli(socket, temp.CreateDirectory("dc"));

        var result = await docker.RunAsync("network", "create", "-d", "loose", "n1");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("without verifying its certificate", result.Stderr, StringComparison.Ordinal);
        Assert.Contains(specFile, result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NetworkCreate_UnverifiedHttpsPluginByDefault_TriedAndWarned()
    {
        using var temp = new TempDirectory("cnmd");
        var specs = temp.CreateDirectory("s");
        var specFile = Path.Join(specs, "loose.spec");
        await File.WriteAllTextAsync(specFile, "https://127.0.0.1:1\n");
        var socket = temp.File("d.sock");
        using var daemon = DaemonProcess.Start(["--host", "unix://" + socket, "--group", "root", "--plugin-dir", temp.File("p"), "--spec-dir", specs,
            "--data-root", temp.File("d"), "--exec-root", temp.File("e")],
            null);
        await daemon.WaitReadyAsync();
        var docker = new DockerCli(socket, temp.CreateDirectory("dc"));

        var result = await docker.RunAsync("network", "create", "-d", "loose", "n1");

        Assert.NotEqual(0, result.ExitCode); // nothing listens there (tried for the 15 s connect budget), but it was tried, not refused
        Assert.DoesNotContain("without verifying its certificate", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Plugin loose is reached over https://127.0.0.1:1/ without verifying its certificate (spec file " + specFile,
            daemon.Stdout + daemon.Stderr, StringComparison.Ordinal);
    }
}
