using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Text.Json;
using Cnm.Linux.Netlink;

namespace Cnm.Daemon.Tests.Linux;

/// <summary>
/// Kill -9 at each step of the default gateway path (spec/bridge.md, "Default gateway network"): a docker connect to a
/// plugin network whose Join gives no gateway, then cnm_gwbridge made and its endpoint connected. cnmd kills itself
/// after the step (CNM_TEST_CRASH_AFTER); after the restart the sandbox has exactly one cnm_gwbridge endpoint, its
/// <c>eth1</c> and the default route through it, and there is one cnm_gwbridge; then everything is removed the ordinary
/// way and nothing is left (links, namespaces, mounts: checked on dispose). Needs root.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class DefaultGatewayCrashTests
{
    [Theory]
    [InlineData("connect:commit")] // the plugin's connect has committed; the gateway step has not begun
    [InlineData("network-create:CreateNetwork#2")] // cnm_gwbridge's bridge made, not committed
    [InlineData("network-create:commit#2")]
    [InlineData("connect:CreateEndpoint#2")]
    [InlineData("join:move#2")] // the gateway endpoint's veth moved into the sandbox (the sandbox provider's step)
    [InlineData("connect:ProgramExternalConnectivity")] // the only one: the plugin's endpoint gets none
    [InlineData("connect:commit#2")]
    public async Task KilledAfterStep_AfterRestartSandboxHasItsOneGatewayEndpoint(string step)
    {
        await using var e2e = await LinuxDaemon.StartAsync(crashAfter: step);
        e2e.JoinEdit = reply => reply.Remove("Gateway");
        try
        {
            await e2e.NetworkAsync("e2e-gwcrash", 83);
            var (id, key) = await e2e.SandboxAsync("gwcrashbox");
            var connect = await e2e.Docker.RunAsync("network", "connect", "e2e-gwcrash", "gwcrashbox");
            Assert.NotEqual(0, connect.ExitCode); // cnmd died under it
            await e2e.WaitCrashedAsync(step.Split('#')[0]);

            await e2e.StartDaemonAsync();
            await EventuallyAsync(async () =>
            {
                using var endpoints = JsonDocument.Parse(await e2e.Http.GetStringAsync("/cnm/v1/endpoints?network=cnm_gwbridge"));
                var gw = Assert.Single(endpoints.RootElement.EnumerateArray());
                Assert.Equal(id, gw.GetProperty("Sandbox").GetProperty("Id").GetString());
                using var sandbox = await NetlinkClient.OpenAsync(key, CancellationToken.None);
                var links = sandbox.GetLinks().ToDictionary(l => l.Name, StringComparer.Ordinal);
                Assert.True(links.ContainsKey("eth0") && links.ContainsKey("eth1"), "links: " + string.Join(",", links.Keys));
                var route = Assert.Single(sandbox.GetRoutes(AddressFamily.InterNetwork), r => r.IsDefault);
                Assert.Equal(links["eth1"].Index, route.OutputInterfaceIndex);
                Assert.Single(e2e.Host.GetLinks(), l => l.Kind == "bridge");
            });

            // Right after the restart the plugin may still be being activated: a disconnect then is refused (503, nothing
            // changed) until it is ready.
            await EventuallyAsync(() => e2e.RunDockerAsync("network", "disconnect", "e2e-gwcrash", "gwcrashbox"));
            await BridgeEndToEndTests.DeleteSandboxesAsync(e2e, id);
            await e2e.RunDockerAsync("network", "rm", "e2e-gwcrash");
            await e2e.RunDockerAsync("network", "rm", "cnm_gwbridge");
            await EventuallyAsync(() =>
            {
                Assert.Empty(e2e.HostLinks());
                return Task.CompletedTask;
            });
            await e2e.StopDaemonAsync();
        }
        catch
        {
            e2e.Failed = true;
            throw;
        }
    }

    /// <summary>Retries <paramref name="check"/> until it passes (generous bound: 20 s): the kernel frees links in the background.</summary>
    private static async Task EventuallyAsync(Func<Task> check)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                await check();
                return;
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }
}
