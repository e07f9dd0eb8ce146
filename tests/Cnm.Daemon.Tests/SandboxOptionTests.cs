using System.Runtime.Versioning;

namespace Cnm.Daemon.Tests;

/// <summary>
/// <c>--sandbox</c> and <c>--host-netns</c> (issue 11 points 4 and 6): the Linux provider is the default and is refused
/// without CAP_SYS_ADMIN and CAP_NET_ADMIN, before anything is made on disk; <c>--sandbox memory</c> starts without them.
/// The capabilities are dropped from cnmd's bounding set with setpriv (cnmd stays root, so it can read its files). Needs root.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class SandboxOptionTests
{
    private static readonly Dictionary<string, string> Linux = new() { ["CNMD_SANDBOX"] = "linux" };

    [Theory]
    [InlineData("-sys_admin,-net_admin", "CAP_SYS_ADMIN and CAP_NET_ADMIN.")]
    [InlineData("-net_admin", "lacks CAP_NET_ADMIN.")]
    [InlineData("-sys_admin", "lacks CAP_SYS_ADMIN.")]
    public async Task Start_LinuxSandboxWithoutCapabilities_ExitsOneNamingThemAndChangesNothing(string drop, string lacks)
    {
        using var temp = new TempDirectory("cnmd");
        using var daemon = DaemonProcess.Start(Args(temp), Linux, ["setpriv", "--bounding-set=" + drop, "--"]);
        Assert.Equal(1, await daemon.WaitExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("cnmd: error: --sandbox linux: cnmd needs CAP_SYS_ADMIN and CAP_NET_ADMIN", daemon.Stderr, StringComparison.Ordinal);
        Assert.Contains(lacks, daemon.Stderr, StringComparison.Ordinal);
        Assert.Contains("or start it with --sandbox memory", daemon.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(temp.File("d")), "the data root was created although cnmd refused to start");
        Assert.False(File.Exists(temp.File("s.sock")));
    }

    [Fact]
    public async Task Start_MemorySandboxWithoutCapabilities_Serves()
    {
        using var temp = new TempDirectory("cnmd");
        using var daemon = DaemonProcess.Start([.. Args(temp), "--sandbox", "memory"], Linux, ["setpriv", "--bounding-set=-sys_admin,-net_admin", "--"]);
        await daemon.WaitReadyAsync();
        Assert.Contains("--sandbox memory: sandboxes are a model only", daemon.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, await daemon.TerminateAsync(TimeSpan.FromSeconds(20)));
    }

    [Theory]
    [InlineData("--sandbox", "bogus", "--sandbox bogus: expected linux or memory")]
    [InlineData("--host-netns", "relative/ns", "--host-netns must be an absolute path, not \"relative/ns\"")]
    [InlineData("--host-netns", "/nonexistent/cnm-host-ns", "--host-netns /nonexistent/cnm-host-ns: cannot use it as the host network namespace")]
    public async Task Start_BadSandboxOption_ExitsOneNamingIt(string flag, string value, string message)
    {
        using var temp = new TempDirectory("cnmd");
        using var daemon = DaemonProcess.Start([.. Args(temp), flag, value], Linux);
        Assert.Equal(1, await daemon.WaitExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains(message, daemon.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(temp.File("s.sock")));
    }

    [Fact]
    public async Task Start_HostNetnsWithMemorySandbox_Refused()
    {
        using var temp = new TempDirectory("cnmd");
        using var daemon = DaemonProcess.Start([.. Args(temp), "--sandbox", "memory", "--host-netns", "/proc/self/ns/net"]);
        Assert.Equal(1, await daemon.WaitExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("--host-netns /proc/self/ns/net needs --sandbox linux", daemon.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_HostNetnsNotANamespace_ExitsOne()
    {
        using var temp = new TempDirectory("cnmd");
        var file = temp.WriteFile("plain", "x");
        using var daemon = DaemonProcess.Start([.. Args(temp), "--host-netns", file], Linux);
        Assert.Equal(1, await daemon.WaitExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains($"--host-netns {file}: cannot use it as the host network namespace", daemon.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(temp.File("s.sock")));
    }

    private static string[] Args(TempDirectory temp) =>
        ["--host", "unix://" + temp.File("s.sock"), "--plugin-dir", temp.File("p"), "--spec-dir", temp.File("sp"),
         "--data-root", temp.File("d"), "--exec-root", temp.File("e")];
}
