using System.Globalization;
using System.Net;
using System.Runtime.Versioning;
using System.Text.Json;

namespace Cnm.Daemon.Tests.Linux;

/// <summary>
/// Issue 12, "the published host ports show in inspect": a sandbox with a published port (host port 0: the kernel
/// chooses) and an exposed-only port, on a bridge network through cnmd and the docker CLI. The container inspect shows
/// <c>NetworkSettings.Ports</c> as Docker does, with the host port the bridge driver actually holds (the one its
/// EndpointOperInfo reports), and null for the exposed-only port; after the disconnect both are null (exposed, not held). cnmd
/// runs with the recording firewall. Needs root; nothing is left behind (checked on dispose).
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class ContainerPortsEndToEndTests
{
    [Fact]
    public async Task Inspect_PublishedPortOnBridge_ShowsTheHeldHostPortAndExposedAsNull()
    {
        await using var e2e = await LinuxDaemon.StartAsync(testFirewall: "recording");
        await e2e.GuardAsync(() => RunAsync(e2e));
    }

    private static async Task RunAsync(LinuxDaemon e2e)
    {
        await e2e.RunDockerAsync("network", "create", "--subnet", "10.97.0.0/24", "inspectports");
        using var created = await e2e.Http.PostAsync("/cnm/v1/sandboxes", NativeEndpointTests.Body(
            """{"ContainerId":"portsbox1","Name":"portsbox1","ExposedPorts":{"53/udp":{}},"PortBindings":{"80/tcp":[{"HostPort":""}]}}"""));
        var id = (await NativeEndpointTests.ReadAsync(created, HttpStatusCode.Created)).GetProperty("Id").GetString()!;
        await e2e.RunDockerAsync("network", "connect", "inspectports", "portsbox1");
        var endpointId = (await e2e.EndpointAsync(id, "inspectports")).GetProperty("Id").GetString()!;
        using var info = await e2e.Http.GetAsync($"/cnm/v1/endpoints/{endpointId}");
        var held = (await NativeEndpointTests.ReadAsync(info, HttpStatusCode.OK)).GetProperty("DriverInfo").GetProperty("com.docker.network.portmap")[0]
            .GetProperty("HostPort").GetInt32();

        using (var inspect = JsonDocument.Parse(await e2e.Http.GetStringAsync("/containers/portsbox1/json")))
        {
            var ports = inspect.RootElement.GetProperty("NetworkSettings").GetProperty("Ports");
            var binding = Assert.Single(ports.GetProperty("80/tcp").EnumerateArray());
            Assert.Equal("0.0.0.0", binding.GetProperty("HostIp").GetString());
            Assert.Equal(held.ToString(CultureInfo.InvariantCulture), binding.GetProperty("HostPort").GetString());
            Assert.Equal(JsonValueKind.Null, ports.GetProperty("53/udp").ValueKind);
            Assert.Equal(2, ports.EnumerateObject().Count());
        }

        await e2e.RunDockerAsync("network", "disconnect", "inspectports", "portsbox1");
        using (var inspect = JsonDocument.Parse(await e2e.Http.GetStringAsync("/containers/portsbox1/json")))
        {
            var ports = inspect.RootElement.GetProperty("NetworkSettings").GetProperty("Ports");
            // Nothing held any more: both ports are only exposed now (a published port is exposed too), each with null.
            Assert.Equal(["53/udp", "80/tcp"], ports.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
            Assert.All(ports.EnumerateObject(), p => Assert.Equal(JsonValueKind.Null, p.Value.ValueKind));
        }

        await BridgeEndToEndTests.DeleteSandboxesAsync(e2e, id);
        await e2e.RunDockerAsync("network", "rm", "inspectports");
        Assert.Empty(e2e.HostLinks());
        await e2e.StopDaemonAsync();
    }
}
