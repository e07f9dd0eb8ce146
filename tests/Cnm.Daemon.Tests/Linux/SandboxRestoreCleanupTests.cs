using System.Net;
using System.Runtime.Versioning;
using Cnm.Linux.Namespaces;
using Cnm.Protocol;

namespace Cnm.Daemon.Tests.Linux;

/// <summary>
/// Issue 11 point 7 (first part) through a cnmd restart with Linux sandboxes: a sandbox whose namespace vanished while
/// cnmd was down is deleted at start-up as any sandbox delete is (the plugin gets Leave and DeleteEndpoint), a namespace
/// under the exec root that the state does not know is removed with its resolver directory, both are logged, and a
/// sandbox whose namespace is there stays as it was. Needs root; nothing is left behind (checked on dispose).
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class SandboxRestoreCleanupTests
{
    [Fact]
    public async Task Restart_VanishedAndUnknownNamespaces_CleanedUpAndLogged()
    {
        await using var e2e = await LinuxDaemon.StartAsync();
        await e2e.GuardAsync(() => RunAsync(e2e));
    }

    private static async Task RunAsync(LinuxDaemon e2e)
    {
        var network = await e2e.NetworkAsync("e2e-restore", 61);
        var (goneId, goneKey) = await e2e.SandboxAsync("restoregone");
        var (keptId, keptKey) = await e2e.SandboxAsync("restorekept");
        await e2e.RunDockerAsync("network", "connect", "e2e-restore", "restoregone");
        await e2e.RunDockerAsync("network", "connect", "e2e-restore", "restorekept");
        var goneEndpoint = (await e2e.EndpointAsync(goneId, network)).GetProperty("Id").GetString()!;
        var keptEndpoint = (await e2e.EndpointAsync(keptId, network)).GetProperty("Id").GetString()!;
        await e2e.StopDaemonAsync();

        NetworkNamespace.Delete(goneKey); // vanished while cnmd was down: the kernel deletes the veth inside (and its peer)
        var strayKey = Path.Combine(e2e.ExecRoot, "netns", "feedfacecafe");
        await NetworkNamespace.CreateAsync(strayKey, CancellationToken.None);
        var strayFiles = Directory.CreateDirectory(Path.Combine(e2e.ExecRoot, "sandboxes", "feedfacecafe" + new string('0', 52))).FullName;
        File.WriteAllText(Path.Combine(strayFiles, "hosts"), "127.0.0.1\tlocalhost\n");
        e2e.Plugin.ClearCalls();

        await e2e.StartDaemonAsync();
        await e2e.Daemon.WaitForOutputAsync($"its namespace {goneKey} is gone: deleting it; its 1 joined endpoint(s) leave and are deleted");
        await e2e.Daemon.WaitForOutputAsync($"Removed namespace {strayKey}: no sandbox in the state file has it");
        Assert.False(File.Exists(strayKey));
        Assert.False(Directory.Exists(strayFiles));
        Assert.Equal([goneEndpoint], e2e.Plugin.CallsTo(PluginMethods.Network.Leave).Select(c => c.Text("EndpointID")));
        Assert.Equal([goneEndpoint], e2e.Plugin.CallsTo(PluginMethods.Network.DeleteEndpoint).Select(c => c.Text("EndpointID")));

        using (var list = await e2e.Http.GetAsync("/cnm/v1/sandboxes"))
        {
            var sandboxes = await NativeEndpointTests.ReadAsync(list, HttpStatusCode.OK);
            Assert.Equal([keptId], sandboxes.EnumerateArray().Select(s => s.GetProperty("Id").GetString()));
        }

        using (var endpoint = await e2e.Http.GetAsync($"/cnm/v1/endpoints/{goneEndpoint}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, endpoint.StatusCode);
        }

        Assert.True(NetworkNamespace.IsMounted(keptKey));
        using (var kept = await Cnm.Linux.Netlink.NetlinkClient.OpenAsync(keptKey, CancellationToken.None))
        {
            Assert.Equal($"cnm:{keptEndpoint}:c{keptEndpoint[..8]}", kept.GetLink("eth0").Alias);
        }

        // A second restart finds nothing to clean up, and the disconnect right after it waits for the plugin's
        // activation instead of failing with "the plugin is being activated" (it did, once in CI).
        await e2e.StopDaemonAsync();
        await e2e.StartDaemonAsync();
        Assert.DoesNotContain("is gone: deleting it", e2e.Daemon.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Removed namespace", e2e.Daemon.Stderr, StringComparison.Ordinal);

        await e2e.RunDockerAsync("network", "disconnect", "e2e-restore", "restorekept");

        using (var delete = await e2e.Http.DeleteAsync($"/cnm/v1/sandboxes/{keptId}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        await e2e.RunDockerAsync("network", "rm", "e2e-restore");
        Assert.Empty(e2e.HostLinks());
        await e2e.StopDaemonAsync();
    }
}
