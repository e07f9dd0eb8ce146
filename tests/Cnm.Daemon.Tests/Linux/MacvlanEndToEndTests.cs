using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using Cnm.Core.Net;
using Cnm.Linux.Tests.Sandboxes;
using Cnm.Protocol;

namespace Cnm.Daemon.Tests.Linux;

/// <summary>
/// Issue 12's macvlan acceptance through cnmd and the real docker CLI: two sandboxes on a macvlan network whose parent is
/// a veth in the host namespace ping each other; without a parent the network gets its own dummy parent and is internal;
/// a parent that does not exist is a clear error; a macvlan network with a remote IPAM sees RequestPool, the gateway's
/// RequestAddress, and the releases on rm. Needs root; nothing is left behind (checked on dispose).
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class MacvlanEndToEndTests
{
    [Fact]
    public async Task ParentVeth_TwoSandboxesPingEachOther_RmLeavesTheParent()
    {
        await using var e2e = await LinuxDaemon.StartAsync();
        await e2e.GuardAsync(async () =>
        {
            e2e.Host.CreateVeth("mvparent", "mvother");
            e2e.Host.SetUp(e2e.Host.GetLink("mvparent").Index);
            e2e.Host.SetUp(e2e.Host.GetLink("mvother").Index);
            await e2e.RunDockerAsync("network", "create", "-d", "macvlan", "-o", "parent=mvparent", "--subnet", "10.94.0.0/24", "mv");
            var (aId, aKey) = await e2e.SandboxAsync("mvboxa");
            var (bId, bKey) = await e2e.SandboxAsync("mvboxb");
            await e2e.RunDockerAsync("network", "connect", "mv", "mvboxa");
            await e2e.RunDockerAsync("network", "connect", "mv", "mvboxb");
            var a = IpPrefix.Parse((await e2e.EndpointAsync(aId, "mv")).GetProperty("Interface").GetProperty("Address").GetString()!).Address;
            var b = IpPrefix.Parse((await e2e.EndpointAsync(bId, "mv")).GetProperty("Interface").GetProperty("Address").GetString()!).Address;
            using (var sandbox = await Cnm.Linux.Netlink.NetlinkClient.OpenAsync(aKey, CancellationToken.None))
            {
                Assert.Equal("macvlan", sandbox.GetLink("eth0").Kind);
            }

            Assert.True(await Icmp.EchoAsync(aKey, b), $"sandbox a got no echo reply from b at {b}");
            Assert.True(await Icmp.EchoAsync(bKey, a), $"sandbox b got no echo reply from a at {a}");
            await e2e.RunDockerAsync("network", "disconnect", "mv", "mvboxa");
            await e2e.RunDockerAsync("network", "disconnect", "mv", "mvboxb");
            await BridgeEndToEndTests.DeleteSandboxesAsync(e2e, aId, bId);
            await e2e.RunDockerAsync("network", "rm", "mv");
            Assert.Equal(["mvother", "mvparent"], e2e.HostLinks()); // the user's parent is never deleted
            e2e.Host.DeleteLink("mvparent");
            await e2e.StopDaemonAsync();
        });
    }

    [Fact]
    public async Task NoParent_DummyParentAndInternal_MissingParentIsAClearError()
    {
        await using var e2e = await LinuxDaemon.StartAsync();
        await e2e.GuardAsync(async () =>
        {
            var missing = await e2e.Docker.RunAsync("network", "create", "-d", "macvlan", "-o", "parent=nosuchif0", "--subnet", "10.95.0.0/24", "mvbad");
            Assert.NotEqual(0, missing.ExitCode);
            Assert.Contains("the parent interface nosuchif0 (option parent) does not exist in the host namespace", missing.Stderr, StringComparison.Ordinal);
            Assert.Empty(e2e.HostLinks());

            var created = await e2e.Docker.RunAsync("network", "create", "-d", "macvlan", "--subnet", "10.96.0.0/24", "mvnone");
            Assert.True(created.ExitCode == 0, created.ToString());
            var id = created.Stdout.Trim();
            var dummy = e2e.Host.GetLink("dm-" + id[..12]);
            Assert.Contains(dummy.Kind, new[] { "dummy", "bridge" }); // a port-less bridge where the kernel has no dummy links
            Assert.Equal("cnm.macvlan.network=" + id, dummy.Alias);
            var (sId, sKey) = await e2e.SandboxAsync("mvnonebox");
            await e2e.RunDockerAsync("network", "connect", "mvnone", "mvnonebox");
            using (var sandbox = await Cnm.Linux.Netlink.NetlinkClient.OpenAsync(sKey, CancellationToken.None))
            {
                Assert.DoesNotContain(sandbox.GetRoutes(AddressFamily.InterNetwork), r => r.IsDefault); // internal: no way out
            }

            await e2e.RunDockerAsync("network", "disconnect", "mvnone", "mvnonebox");
            await BridgeEndToEndTests.DeleteSandboxesAsync(e2e, sId);
            await e2e.RunDockerAsync("network", "rm", "mvnone");
            Assert.Empty(e2e.HostLinks());
            await e2e.StopDaemonAsync();
        });
    }

    [Fact]
    public async Task RemoteIpam_InternalMacvlan_PoolGatewayAndReleasesReachThePlugin()
    {
        await using var e2e = await LinuxDaemon.StartAsync();
        await e2e.GuardAsync(async () =>
        {
            await e2e.RunDockerAsync("network", "create", "-d", "macvlan", "--internal", "--ipam-driver", "e2e", "mvipam");
            var methods = e2e.Plugin.Methods.Where(m => m.StartsWith("IpamDriver.", StringComparison.Ordinal)).ToList();
            Assert.Contains(PluginMethods.Ipam.RequestPool, methods);
            var gateway = Assert.Single(e2e.Plugin.CallsTo(PluginMethods.Ipam.RequestAddress));
            Assert.Contains("\"RequestAddressType\":\"com.docker.network.gateway\"", gateway.Body, StringComparison.Ordinal);
            var (sId, sKey) = await e2e.SandboxAsync("mvipambox");
            await e2e.RunDockerAsync("network", "connect", "mvipam", "mvipambox");
            var address = IpPrefix.Parse((await e2e.EndpointAsync(sId, "mvipam")).GetProperty("Interface").GetProperty("Address").GetString()!);
            Assert.Contains(address.Address.ToString(), e2e.Plugin.Addresses);
            await e2e.RunDockerAsync("network", "disconnect", "mvipam", "mvipambox");
            await BridgeEndToEndTests.DeleteSandboxesAsync(e2e, sId);
            e2e.Plugin.ClearCalls();
            await e2e.RunDockerAsync("network", "rm", "mvipam");
            Assert.Contains(PluginMethods.Ipam.ReleaseAddress, e2e.Plugin.Methods);
            Assert.Contains(PluginMethods.Ipam.ReleasePool, e2e.Plugin.Methods);
            Assert.Empty(e2e.Plugin.Pools);
            Assert.Empty(e2e.HostLinks());
            _ = sKey;
            await e2e.StopDaemonAsync();
        });
    }
}
