using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;

namespace Cnm.Daemon.Tests.Linux;

/// <summary>
/// Issue 11 point 5 through cnmd with Linux sandboxes: a <c>host</c> sandbox is the host namespace (no new one), and
/// takes no interface from a driver; a sandbox on a <c>null</c> network has only its loopback. Needs root; nothing is
/// left behind (checked on dispose).
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class HostAndNullSandboxTests
{
    [Fact]
    public async Task HostSandbox_KeyIsTheHostNamespace_RefusesAPluginInterface_DeleteKeepsTheHost()
    {
        await using var e2e = await LinuxDaemon.StartAsync();
        await e2e.GuardAsync(async () =>
        {
            e2e.Host.CreateBridge("br-mark"); // something only the host namespace has
            using var response = await e2e.Http.PostAsync("/cnm/v1/sandboxes", NativeEndpointTests.Body("""{"ContainerId":"hostbox1","HostNetwork":true}"""));
            var sandbox = await NativeEndpointTests.ReadAsync(response, HttpStatusCode.Created);
            Assert.True(sandbox.GetProperty("HostNetwork").GetBoolean());
            var key = sandbox.GetProperty("Key").GetString()!;
            Assert.Equal(Path.Combine(e2e.ExecRoot, "netns", sandbox.GetProperty("Id").GetString()![..12]), key);
            using (var inside = await Cnm.Linux.Netlink.NetlinkClient.OpenAsync(key, CancellationToken.None))
            {
                Assert.NotNull(inside.FindLink("br-mark"));
            }

            await e2e.RunDockerAsync("network", "create", "-d", "host", "e2e-host");
            await e2e.RunDockerAsync("network", "connect", "e2e-host", "hostbox1");
            Assert.Equal(["br-mark"], e2e.HostLinks());

            await e2e.NetworkAsync("e2e-veth", 91);
            var refused = await e2e.Docker.RunAsync("network", "connect", "e2e-veth", "hostbox1");
            Assert.NotEqual(0, refused.ExitCode);
            Assert.Contains("shares the host network namespace (host network) and takes no interface", refused.Stderr, StringComparison.Ordinal);
            Assert.Equal(["br-mark"], e2e.HostLinks()); // the plugin's veth was deleted in the rollback

            await e2e.RunDockerAsync("network", "disconnect", "e2e-host", "hostbox1");
            using (var delete = await e2e.Http.DeleteAsync("/cnm/v1/sandboxes/hostbox1"))
            {
                Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
            }

            Assert.False(File.Exists(key));
            Assert.NotNull(e2e.Host.FindLink("br-mark")); // the host namespace is untouched
            e2e.Host.DeleteLink("br-mark");
            await e2e.RunDockerAsync("network", "rm", "e2e-host", "e2e-veth");
            await e2e.StopDaemonAsync();
        });
    }

    [Fact]
    public async Task NullNetworkSandbox_HasOnlyItsLoopback()
    {
        await using var e2e = await LinuxDaemon.StartAsync();
        await e2e.GuardAsync(async () =>
        {
            await e2e.RunDockerAsync("network", "create", "-d", "null", "e2e-none");
            var (_, key) = await e2e.SandboxAsync("nullbox1");
            await e2e.RunDockerAsync("network", "connect", "e2e-none", "nullbox1");
            using (var inside = await Cnm.Linux.Netlink.NetlinkClient.OpenAsync(key, CancellationToken.None))
            {
                var lo = Assert.Single(inside.GetLinks());
                Assert.Equal("lo", lo.Name);
                Assert.True(lo.IsUp);
                Assert.Empty(inside.GetRoutes(AddressFamily.InterNetwork));
            }

            await e2e.RunDockerAsync("network", "disconnect", "e2e-none", "nullbox1");
            using (var delete = await e2e.Http.DeleteAsync("/cnm/v1/sandboxes/nullbox1"))
            {
                Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
            }

            Assert.False(File.Exists(key));
            await e2e.RunDockerAsync("network", "rm", "e2e-none");
            await e2e.StopDaemonAsync();
        });
    }
}
