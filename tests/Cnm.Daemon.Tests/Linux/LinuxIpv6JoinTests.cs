using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using Cnm.Core.Net;
using Cnm.Linux.Netlink;

namespace Cnm.Daemon.Tests.Linux;

/// <summary>
/// IPv6 in a Join through cnmd (Linux sandboxes) and the docker CLI: on a dual-stack network whose plugin answers a
/// GatewayIPv6, the sandbox's eth0 gets the endpoint's IPv6 address, the kernel's link-local address, and an IPv6
/// default route via that gateway, next to the IPv4 one; after disconnect the sandbox has neither. Needs root;
/// nothing is left behind (checked on dispose).
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class LinuxIpv6JoinTests
{
    [Fact]
    public async Task Connect_DualStackWithGatewayIPv6_AddressLinkLocalAndDefaultRouteInSandbox()
    {
        await using var e2e = await LinuxDaemon.StartAsync();
        await e2e.GuardAsync(async () =>
        {
            e2e.JoinEdit = reply => reply["GatewayIPv6"] = "fd00:57::1";
            await e2e.NetworkAsync("e2e-v6", 57, ipv6: true);
            var (id, key) = await e2e.SandboxAsync("v6box1");
            await e2e.RunDockerAsync("network", "connect", "--ip6", "fd00:57::5", "e2e-v6", "v6box1");

            using (var inside = await NetlinkClient.OpenAsync(key, CancellationToken.None))
            {
                var eth0 = inside.GetLink("eth0");
                var v6 = inside.GetAddresses(AddressFamily.InterNetworkV6, eth0.Index);
                Assert.Contains(new NetlinkAddress(eth0.Index, IpPrefix.Parse("fd00:57::5/64")), v6);
                var deadline = DateTime.UtcNow.AddSeconds(20); // the kernel adds the link-local address once the link is up
                while (!inside.GetAddresses(AddressFamily.InterNetworkV6, eth0.Index).Any(a => a.Prefix.Address.IsIPv6LinkLocal))
                {
                    Assert.True(DateTime.UtcNow < deadline, "eth0 got no IPv6 link-local address within 20 s");
                    await Task.Delay(100);
                }

                var route = Assert.Single(inside.GetRoutes(AddressFamily.InterNetworkV6), r => r.IsDefault);
                Assert.Equal(IPAddress.Parse("fd00:57::1"), route.Gateway);
                Assert.Equal(eth0.Index, route.OutputInterfaceIndex);
                Assert.Contains(inside.GetRoutes(AddressFamily.InterNetwork), r => r.IsDefault && Equals(r.Gateway, IPAddress.Parse("10.57.0.1")));
            }

            await e2e.RunDockerAsync("network", "disconnect", "e2e-v6", "v6box1");
            using (var inside = await NetlinkClient.OpenAsync(key, CancellationToken.None))
            {
                Assert.Equal(["lo"], inside.GetLinks().Select(l => l.Name));
                Assert.DoesNotContain(inside.GetRoutes(AddressFamily.InterNetworkV6), r => r.IsDefault);
            }

            using (var delete = await e2e.Http.DeleteAsync($"/cnm/v1/sandboxes/{id}"))
            {
                Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
            }

            await e2e.RunDockerAsync("network", "rm", "e2e-v6");
            await e2e.StopDaemonAsync();
        });
    }
}
