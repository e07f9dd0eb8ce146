using System.Runtime.Versioning;
using Cnm.Testing;

namespace Cnm.Daemon.Tests;

/// <summary>Start-up: socket mode, start-up refusals with clear messages, stale sockets, configuration sources.</summary>
[SupportedOSPlatform("linux")]
public sealed class StartupTests(DaemonFixture fixture) : IClassFixture<DaemonFixture>
{
    [Fact]
    public void Socket_IsMode0660()
    {
        var mode = File.GetUnixFileMode(fixture.SocketPath);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite, mode);
    }

    [Fact]
    public async Task SecondDaemon_SameSocket_ExitsNonZeroWithMessage()
    {
        using var second = DaemonProcess.Start(fixture.Args);
        Assert.NotEqual(0, await second.WaitExitAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains($"socket {fixture.SocketPath} is in use", second.Stderr, StringComparison.Ordinal);

        // The first daemon still answers.
        Assert.Equal("OK", await fixture.Http.GetStringAsync("/_ping"));
    }

    [Fact]
    public async Task TcpHost_WithoutTls_Refused()
    {
        using var temp = new TempDirectory("cnmd");
        using var daemon = DaemonProcess.Start(["--host", "tcp://127.0.0.1:2375", "--data-root", temp.File("d"), "--exec-root", temp.File("e")]);
        Assert.Equal(1, await daemon.WaitExitAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains("TCP is served only with TLS and client certificates; missing --tlsverify", daemon.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnwritableDataRoot_Refused()
    {
        using var temp = new TempDirectory("cnmd");
        var file = temp.WriteFile("not-a-dir", "x");
        using var daemon = DaemonProcess.Start(["--host", "unix://" + temp.File("s.sock"), "--data-root", file, "--exec-root", temp.File("e")]);
        Assert.Equal(1, await daemon.WaitExitAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains($"--data-root {file} is not a writable directory", daemon.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownFlag_Refused()
    {
        using var daemon = DaemonProcess.Start(["--bogus", "1"]);
        Assert.Equal(1, await daemon.WaitExitAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains("unknown flag --bogus", daemon.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StaleSocket_ConfigFile_Starts()
    {
        using var temp = new TempDirectory("cnmd");
        var socket = temp.File("run", "api.sock");
        Directory.CreateDirectory(Path.GetDirectoryName(socket)!);
        using (var stale = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream,
            System.Net.Sockets.ProtocolType.Unspecified))
        {
            stale.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(socket)); // bound, never listening: stale
        }

        var config = temp.WriteFile("cnmd.json", $$"""
            {"Host":"unix://{{socket}}","PluginDir":"{{temp.File("p")}}","SpecDir":["{{temp.File("s")}}"],
             "DataRoot":"{{temp.File("d")}}","ExecRoot":"{{temp.File("e")}}","LogLevel":"warn"}
            """);
        using var daemon = DaemonProcess.Start(["--config-file", config]);
        await daemon.WaitReadyAsync();
        Assert.Contains($"cnmd ready on unix://{socket}", daemon.Stdout, StringComparison.Ordinal);
        Assert.True(Directory.Exists(temp.File("d")));
        using var http = DaemonFixture.CreateClient(socket);
        Assert.Equal("OK", await http.GetStringAsync("/_ping"));
    }

    [Fact]
    public async Task EnvironmentVariables_ConfigureDaemon_SigtermStopsCleanly()
    {
        using var temp = new TempDirectory("cnmd");
        var socket = temp.File("env.sock");
        using var daemon = DaemonProcess.Start([], new Dictionary<string, string>
        {
            ["CNMD_HOST"] = "unix://" + socket,
            ["CNMD_PLUGINDIR"] = temp.File("p"),
            ["CNMD_SPECDIR__0"] = temp.File("s"),
            ["CNMD_DATAROOT"] = temp.File("d"),
            ["CNMD_EXECROOT"] = temp.File("e"),
            ["CNMD_LOGLEVEL"] = "debug",
        });
        await daemon.WaitReadyAsync();
        using (var http = DaemonFixture.CreateClient(socket))
        {
            Assert.Equal("OK", await http.GetStringAsync("/_ping"));
            var docker = new DockerCli(socket, temp.CreateDirectory("dc"));
            var result = await docker.RunAsync("network", "create", "-d", "nosuch", "x");
            Assert.Contains(Path.Combine(temp.File("s"), "nosuch.spec"), result.Stderr, StringComparison.Ordinal);
        }

        using (var kill = System.Diagnostics.Process.Start("kill", ["-TERM", daemon.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        Assert.Equal(0, await daemon.WaitExitAsync(TimeSpan.FromSeconds(20)));
        Assert.False(File.Exists(socket), "the socket is removed on shutdown");
    }

    [Fact]
    public async Task Flags_WinOverEnvironment_WhichWinsOverConfigFile()
    {
        using var temp = new TempDirectory("cnmd");
        var socket = temp.File("flag.sock");
        var config = temp.WriteFile("cnmd.json", $$"""{"Host":"tcp://0.0.0.0:1","DataRoot":"{{temp.File("file-data")}}"}""");
        using var daemon = DaemonProcess.Start(["--config-file", config, "--host", "unix://" + socket, "--plugin-dir", temp.File("p"),
            "--spec-dir", temp.File("s"), "--exec-root", temp.File("e")],
            new Dictionary<string, string> { ["CNMD_HOST"] = "tcp://0.0.0.0:2", ["CNMD_DATAROOT"] = temp.File("env-data") });
        await daemon.WaitReadyAsync();
        Assert.Contains($"cnmd ready on unix://{socket}", daemon.Stdout, StringComparison.Ordinal);
        Assert.True(Directory.Exists(temp.File("env-data")));
        Assert.False(Directory.Exists(temp.File("file-data")));
    }

    /// <summary>
    /// The kernel refuses a user outside the socket's group (mode 0660). The throwaway user is an unused uid
    /// run through setpriv, so nothing is added to the machine. Needs root, as CI runs.
    /// </summary>
    [Fact]
    public async Task Socket_UserNotInGroup_RefusedByKernel_GroupMemberAllowed()
    {
        Assert.True(Environment.UserName == "root" || Environment.GetEnvironmentVariable("USER") == "root",
            "this test needs root to switch to a throwaway uid");
        using var temp = new TempDirectory("cnmd");
        File.SetUnixFileMode(temp.Path, (UnixFileMode)0x1ED); // 0755: only the socket's own mode guards it
        var socket = temp.File("perm.sock");
        // --group root, not the default: the default is "docker" when the machine has that group (Debian's docker.io makes it).
        using var daemon = DaemonProcess.Start(["--host", "unix://" + socket, "--group", "root", "--plugin-dir", temp.File("p"),
            "--spec-dir", temp.File("s"), "--data-root", temp.File("d"), "--exec-root", temp.File("e")]);
        await daemon.WaitReadyAsync();
        var config = temp.CreateDirectory("dc");
        File.SetUnixFileMode(config, (UnixFileMode)0x1FF);

        var outsider = await RunAsAsync(config, socket, "--clear-groups");
        Assert.NotEqual(0, outsider.ExitCode);
        Assert.Contains("permission denied", outsider.Stderr, StringComparison.OrdinalIgnoreCase);

        var member = await RunAsAsync(config, socket, "--groups=0");
        Assert.True(member.ExitCode == 0, member.ToString());
        Assert.Contains("NETWORK ID", member.Stdout, StringComparison.Ordinal);
    }

    private static async Task<DockerCli.Result> RunAsAsync(string config, string socket, string groups)
    {
        var info = new System.Diagnostics.ProcessStartInfo("setpriv")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--reuid=61234", "--regid=61234", groups, DockerCli.Binary, "-H", "unix://" + socket, "network", "ls" })
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["DOCKER_CONFIG"] = config;
        info.Environment.Remove("DOCKER_HOST");
        using var process = System.Diagnostics.Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new DockerCli.Result(process.ExitCode, await stdout, await stderr, TimeSpan.Zero);
    }
}
