using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Runtime.Versioning;
using Cnm.Core.Net;
using Cnm.Linux.Netlink;
using Cnm.Linux.Tests.Sandboxes;

namespace Cnm.Daemon.Tests.Linux;

/// <summary>
/// Issue 11's end-to-end acceptance through cnmd (Linux sandboxes, <c>--host-netns</c>) and the real docker CLI, with a
/// remote plugin that makes veths: the interface lands in the sandbox as eth0 with its address, MAC and routes; two
/// sandboxes ping each other over a bridge in the host namespace; a second endpoint is eth1 and takes the default route
/// when the gateway endpoint leaves; disconnect gives the interface back to the host namespace for the plugin to delete.
/// Needs root; everything happens in namespaces the test makes, and nothing is left behind (checked on dispose).
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class LinuxSandboxEndToEndTests
{
    [Fact]
    public async Task ConnectPingDisconnect_ThroughDockerCli_InterfaceRoutesAndGatewayAreReal()
    {
        await using var e2e = await LinuxDaemon.StartAsync();
        await e2e.GuardAsync(async () =>
        {
            e2e.Host.CreateBridge(LinuxDaemon.Bridge);
            e2e.Host.SetUp(e2e.Host.GetLink(LinuxDaemon.Bridge).Index);
            var net1 = await e2e.NetworkAsync("e2e-one", 71);
            var net2 = await e2e.NetworkAsync("e2e-two", 81);
            var (aId, aKey) = await e2e.SandboxAsync("e2eboxa");
            var (bId, bKey) = await e2e.SandboxAsync("e2eboxb");
            Assert.Equal(Path.Combine(e2e.ExecRoot, "netns", aId[..12]), aKey);

            await e2e.RunDockerAsync("network", "connect", "e2e-one", "e2eboxa");
            await e2e.RunDockerAsync("network", "connect", "e2e-one", "e2eboxb");
            var a1 = await e2e.EndpointAsync(aId, net1);
            var b1 = await e2e.EndpointAsync(bId, net1);

            using (var a = await NetlinkClient.OpenAsync(aKey, CancellationToken.None))
            {
                var eth0 = a.GetLink("eth0");
                Assert.True(eth0.IsUp);
                var a1Eid = a1.GetProperty("Id").GetString()!;
                Assert.Equal($"cnm:{a1Eid}:c{a1Eid[..8]}", eth0.Alias); // the endpoint and SrcName, for Leave (spec/linux-sandboxes.md)
                Assert.Equal(PhysicalAddress.Parse(a1.GetProperty("Interface").GetProperty("MacAddress").GetString()!.Replace(':', '-')), eth0.MacAddress);
                var address = IpPrefix.Parse(a1.GetProperty("Interface").GetProperty("Address").GetString()!);
                Assert.Contains(new NetlinkAddress(eth0.Index, address), a.GetAddresses(AddressFamily.InterNetwork, eth0.Index));
                Assert.Equal(["eth0", "lo"], a.GetLinks().Select(l => l.Name).Order(StringComparer.Ordinal));
                var routes = a.GetRoutes(AddressFamily.InterNetwork);
                Assert.Contains(routes, r => r.IsDefault && Equals(r.Gateway, IPAddress.Parse("10.71.0.1")) && r.OutputInterfaceIndex == eth0.Index);
                Assert.Contains(routes, r => r.Destination == IpPrefix.Parse("10.72.0.0/16") && Equals(r.Gateway, IPAddress.Parse("10.71.0.9")));
                Assert.Contains(routes, r => r.Destination == IpPrefix.Parse("10.73.0.0/16") && r.Gateway is null
                    && r.Scope == RouteScope.Link && r.OutputInterfaceIndex == eth0.Index);
            }

            var bAddress = IpPrefix.Parse(b1.GetProperty("Interface").GetProperty("Address").GetString()!).Address;
            Assert.True(await Icmp.EchoAsync(aKey, bAddress), $"sandbox a got no echo reply from b at {bAddress}");
            Assert.True(await Icmp.EchoAsync(bKey, IpPrefix.Parse(a1.GetProperty("Interface").GetProperty("Address").GetString()!).Address));

            // A second endpoint is eth1; when the gateway endpoint leaves, the default route moves to it.
            await e2e.RunDockerAsync("network", "connect", "e2e-two", "e2eboxa");
            var a1Id = a1.GetProperty("Id").GetString()!;
            await e2e.RunDockerAsync("network", "disconnect", "e2e-one", "e2eboxa");
            Assert.True(e2e.BackAtDelete[a1Id], "at DeleteEndpoint, the interface was not back in the host namespace, down, under its SrcName");
            Assert.Null(e2e.Host.FindLink("c" + a1Id[..8])); // deleted by the plugin
            using (var a = await NetlinkClient.OpenAsync(aKey, CancellationToken.None))
            {
                Assert.Equal(["eth1", "lo"], a.GetLinks().Select(l => l.Name).Order(StringComparer.Ordinal));
                var eth1 = a.GetLink("eth1");
                var defaults = a.GetRoutes(AddressFamily.InterNetwork).Where(r => r.IsDefault).ToList();
                var route = Assert.Single(defaults);
                Assert.Equal(IPAddress.Parse("10.81.0.1"), route.Gateway);
                Assert.Equal(eth1.Index, route.OutputInterfaceIndex);
            }

            // A native leave (no delete) shows the interface back in the host namespace under its SrcName.
            var b1Id = b1.GetProperty("Id").GetString()!;
            using (var leave = await e2e.Http.PostAsync($"/cnm/v1/endpoints/{b1Id}/leave", NativeEndpointTests.Body("{}")))
            {
                await NativeEndpointTests.ReadAsync(leave, HttpStatusCode.OK);
            }

            var back = e2e.Host.FindLink("c" + b1Id[..8]);
            Assert.NotNull(back);
            Assert.False(back.IsUp);
            Assert.Empty(e2e.Host.GetAddresses(AddressFamily.InterNetwork, back.Index));
            using (var delete = await e2e.Http.DeleteAsync($"/cnm/v1/endpoints/{b1Id}"))
            {
                Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
            }

            Assert.Null(e2e.Host.FindLink("c" + b1Id[..8]));

            // Sandbox a still has its e2e-two endpoint: deleting the sandbox leaves it first.
            await e2e.RunDockerAsync("network", "disconnect", "e2e-two", "e2eboxa");
            foreach (var sandbox in new[] { aId, bId })
            {
                using var response = await e2e.Http.DeleteAsync($"/cnm/v1/sandboxes/{sandbox}");
                Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
            }

            Assert.False(File.Exists(aKey));
            await e2e.RunDockerAsync("network", "rm", "e2e-one", "e2e-two");
            e2e.Host.DeleteLink(LinuxDaemon.Bridge);
            Assert.Empty(e2e.HostLinks());
            Assert.Empty(e2e.ExecRootEntries());
            await e2e.StopDaemonAsync();
        });
    }
}
