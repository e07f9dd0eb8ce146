using System.Net;
using System.Runtime.Versioning;
using Cnm.Protocol;

namespace Cnm.Daemon.Tests.Linux;

/// <summary>
/// Bad Join answers through cnmd with Linux sandboxes (issue 11 acceptance, "bad input"): a SrcName that does not exist
/// in the host namespace, a DstPrefix that is no interface name, a static route the kernel cannot add and a MAC address
/// the kernel refuses (multicast) give a clear error through the docker CLI that names the thing and the reason, the
/// join is rolled back (the plugin gets Leave, docker's connect deletes the endpoint), an interface already moved in is
/// back in the host namespace under its SrcName (down, unmarked) when the plugin deletes it, and the sandbox keeps only
/// its loopback, with no address or route. Needs root; nothing is left behind (checked on dispose).
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
        await e2e.GuardAsync(async () =>
        {
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
        });
    }

    [Theory]
    [InlineData("route", "route 10.60.0.0/16 via 203.0.113.1", "ENETUNREACH")]
    [InlineData("mac", "MAC address 01005E000001", "EADDRNOTAVAIL")]
    public async Task Connect_KernelRefusesAStep_ClearErrorAndInterfaceBackUnderItsName(string what, string thing, string reason)
    {
        await using var e2e = await LinuxDaemon.StartAsync();
        await e2e.GuardAsync(async () =>
        {
            if (what == "route")
            {
                e2e.JoinEdit = reply => reply["StaticRoutes"]!.AsArray().Add(
                    new System.Text.Json.Nodes.JsonObject { ["Destination"] = "10.60.0.0/16", ["RouteType"] = 0, ["NextHop"] = "203.0.113.1" });
            }
            else
            {
                e2e.MacOverride = "01:00:5e:00:00:01"; // multicast: the kernel refuses it as a link's address
            }

            await e2e.NetworkAsync("e2e-refused", 53);
            var (id, key) = await e2e.SandboxAsync("refusedbox1");

            var result = await e2e.Docker.RunAsync("network", "connect", "e2e-refused", "refusedbox1");
            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains(thing, result.Stderr, StringComparison.Ordinal);
            Assert.Contains(reason, result.Stderr, StringComparison.Ordinal);
            Assert.Contains("it was moved back to the host namespace", result.Stderr, StringComparison.Ordinal);
            var leave = Assert.Single(e2e.Plugin.CallsTo(PluginMethods.Network.Leave));
            var endpointId = leave.Text("EndpointID")!;
            Assert.True(e2e.BackAtDelete[endpointId], "at DeleteEndpoint, the interface was not back in the host namespace, down and unmarked, under its SrcName");
            Assert.Empty(e2e.Plugin.Endpoints);
            using (var inside = await Cnm.Linux.Netlink.NetlinkClient.OpenAsync(key, CancellationToken.None))
            {
                Assert.Equal(["lo"], inside.GetLinks().Select(l => l.Name));
                Assert.Empty(inside.GetRoutes(System.Net.Sockets.AddressFamily.InterNetwork));
                Assert.All(inside.GetAddresses(System.Net.Sockets.AddressFamily.InterNetwork), a => Assert.True(System.Net.IPAddress.IsLoopback(a.Prefix.Address)));
            }

            using (var delete = await e2e.Http.DeleteAsync($"/cnm/v1/sandboxes/{id}"))
            {
                Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
            }

            await e2e.RunDockerAsync("network", "rm", "e2e-refused");
            await e2e.StopDaemonAsync();
        });
    }
}
