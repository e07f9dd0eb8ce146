using System.Net;
using System.Runtime.Versioning;
using Cnm.Protocol;

namespace Cnm.Daemon.Tests.Linux;

/// <summary>
/// Bad Join answers through cnmd with Linux sandboxes (issue 11 acceptance, "bad input"): a SrcName that does not exist
/// in the host namespace, and a DstPrefix that is no interface name, give a clear error through the docker CLI, the
/// join is rolled back (the plugin gets Leave, docker's connect deletes the endpoint) and the sandbox keeps only its
/// loopback. Needs root; nothing is left behind (checked on dispose).
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class LinuxJoinRefusalTests
{
    [Theory]
    [InlineData("nosuchlink0", "eth", "interface nosuchlink0 named by the driver's Join does not exist in the host namespace")]
    [InlineData("nosuchlink0", "bad/prefix", "DstPrefix \"bad/prefix\" plus an index")]
    public async Task Connect_BadJoinAnswer_ClearErrorAndNothingHalfMade(string srcName, string dstPrefix, string message)
    {
        await using var e2e = await LinuxDaemon.StartAsync();
        e2e.JoinOverride = _ => $$$"""{"InterfaceName":{"SrcName":"{{{srcName}}}","DstPrefix":"{{{dstPrefix}}}"}}""";
        await e2e.NetworkAsync("e2e-bad", 51);
        var (id, key) = await e2e.SandboxAsync("badbox1");

        var result = await e2e.Docker.RunAsync("network", "connect", "e2e-bad", "badbox1");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(message, result.Stderr, StringComparison.Ordinal);
        Assert.Single(e2e.Plugin.CallsTo(PluginMethods.Network.Leave));
        Assert.Empty(e2e.Plugin.Endpoints);
        using (var inside = await Cnm.Linux.Netlink.NetlinkClient.OpenAsync(key, CancellationToken.None))
        {
            Assert.Equal(["lo"], inside.GetLinks().Select(l => l.Name));
        }

        using (var delete = await e2e.Http.DeleteAsync($"/cnm/v1/sandboxes/{id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        await e2e.RunDockerAsync("network", "rm", "e2e-bad");
        await e2e.StopDaemonAsync();
    }
}
