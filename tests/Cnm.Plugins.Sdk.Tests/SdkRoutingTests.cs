using Cnm.Plugins.Client;
using Cnm.Protocol;
using Cnm.Protocol.Network;
using Cnm.Testing;
using Microsoft.AspNetCore.Builder;

namespace Cnm.Plugins.Sdk.Tests;

public class SdkRoutingTests
{
    private const string NetworkId = "e4cf0d096da2b972eeb952a5122dc6906334d9c3e96bfa1eedf28e90d2c0de87";
    private const string CreateBody = "{\"NetworkID\":\"" + NetworkId + "\",\"Options\":null,\"IPv4Data\":[],\"IPv6Data\":[]}\n";

    [Fact]
    public async Task Activate_NetworkOnly_ListsNetworkDriver()
    {
        using var temp = new TempDirectory("cnm-sdk");
        await using var host = await SdkHost.StartAsync(temp.Path, app => app.MapNetworkDriver(new MinimalNetworkDriver()));

        using var response = await host.PostAsync("/Plugin.Activate", null);

        Assert.Equal("{\"Implements\":[\"NetworkDriver\"]}\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Activate_BothDrivers_ListsBothInMappingOrder()
    {
        using var temp = new TempDirectory("cnm-sdk");
        await using var host = await SdkHost.StartAsync(temp.Path, app => app
            .MapIpamDriver(new MinimalIpamDriver()).MapNetworkDriver(new MinimalNetworkDriver()));

        using var response = await host.PostAsync("/Plugin.Activate", null);

        Assert.Equal("{\"Implements\":[\"IpamDriver\",\"NetworkDriver\"]}\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public void MapNetworkDriver_Twice_Throws()
    {
        var app = WebApplication.CreateSlimBuilder().Build();
        app.MapNetworkDriver(new MinimalNetworkDriver());

        var error = Assert.Throws<InvalidOperationException>(() => app.MapNetworkDriver(new MinimalNetworkDriver()));

        Assert.Contains("NetworkDriver is already mapped", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NetworkMethod_DriverThrows_Answers500WithErr()
    {
        using var temp = new TempDirectory("cnm-sdk");
        await using var host = await SdkHost.StartAsync(temp.Path,
            app => app.MapNetworkDriver(new MinimalNetworkDriver { Failure = "vlan 101 is taken" }));

        using var response = await host.PostAsync("/NetworkDriver.CreateNetwork", CreateBody);

        Assert.Equal(500, (int)response.StatusCode);
        Assert.Equal("application/vnd.docker.plugins.v1.1+json", response.Content.Headers.ContentType?.ToString());
        Assert.Equal("{\"Err\":\"vlan 101 is taken\"}\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task IpamMethod_DriverThrows_Answers500WithErrAndError()
    {
        using var temp = new TempDirectory("cnm-sdk");
        await using var host = await SdkHost.StartAsync(temp.Path,
            app => app.MapIpamDriver(new MinimalIpamDriver { Failure = "no pool left" }));

        using var response = await host.PostAsync("/IpamDriver.RequestPool",
            "{\"AddressSpace\":\"LocalDefault\",\"Pool\":\"\",\"SubPool\":\"\",\"Options\":null,\"V6\":false}\n");

        Assert.Equal(500, (int)response.StatusCode);
        Assert.Equal("{\"Err\":\"no pool left\",\"Error\":\"no pool left\"}\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task CallAsync_DriverThrows_HostSeesTheMessage()
    {
        using var temp = new TempDirectory("cnm-sdk");
        await using var host = await SdkHost.StartAsync(temp.Path, app => app
            .MapNetworkDriver(new MinimalNetworkDriver { Failure = "vlan 101 is taken" })
            .MapIpamDriver(new MinimalIpamDriver { Failure = "no pool left" }));
        using var client = new PluginClient(new PluginSpec("sdk", host.Address));
        var request = new Cnm.Protocol.Ipam.RequestPoolRequest("LocalDefault", "", "", null, false);

        var network = await Assert.ThrowsAsync<PluginException>(() => client.CallAsync(PluginMethods.Network.CreateNetwork,
            new CreateNetworkRequest(NetworkId, null, [], []), PluginJsonContext.Default.CreateNetworkRequest,
            PluginJsonContext.Default.CreateNetworkResponse, CancellationToken.None));
        var ipam = await Assert.ThrowsAsync<PluginException>(() => client.CallAsync(PluginMethods.Ipam.RequestPool, request,
            PluginJsonContext.Default.RequestPoolRequest, PluginJsonContext.Default.RequestPoolResponse, CancellationToken.None));

        Assert.Contains("vlan 101 is taken", network.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("{", network.Message, StringComparison.Ordinal);
        Assert.Contains("no pool left", ipam.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("{", ipam.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DriverReturnsNull_Answers500NamingTheMethod()
    {
        using var temp = new TempDirectory("cnm-sdk");
        await using var host = await SdkHost.StartAsync(temp.Path, app => app.MapNetworkDriver(new MinimalNetworkDriver()));

        using var response = await host.PostAsync("/NetworkDriver.Join",
            "{\"NetworkID\":\"n\",\"EndpointID\":\"e\",\"SandboxKey\":\"/x\",\"Options\":null}\n");

        Assert.Equal(500, (int)response.StatusCode);
        Assert.Contains("NetworkDriver.Join", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/NetworkDriver.Nope")]
    [InlineData("/VolumeDriver.Create")]
    [InlineData("/")]
    public async Task UnknownPath_Answers404AsGo(string path)
    {
        using var temp = new TempDirectory("cnm-sdk");
        await using var host = await SdkHost.StartAsync(temp.Path, app => app.MapNetworkDriver(new MinimalNetworkDriver()));

        using var response = await host.PostAsync(path, "{}");

        Assert.Equal(404, (int)response.StatusCode);
        Assert.Equal("404 page not found\n", await response.Content.ReadAsStringAsync());
        Assert.Equal("text/plain; charset=utf-8", response.Content.Headers.ContentType?.ToString());
    }

    [Fact]
    public async Task IpamRoutes_WithoutIpamDriver_Answer404()
    {
        using var temp = new TempDirectory("cnm-sdk");
        await using var host = await SdkHost.StartAsync(temp.Path, app => app.MapNetworkDriver(new MinimalNetworkDriver()));

        using var response = await host.PostAsync("/IpamDriver.GetCapabilities", null);

        Assert.Equal(404, (int)response.StatusCode);
    }

    [Theory]
    [InlineData("{\"NetworkID\": ", "malformed JSON")]
    [InlineData("[1,2]", "malformed JSON")]
    [InlineData("{\"NetworkID\": 5}", "malformed JSON")]
    [InlineData("", "the body is empty")]
    [InlineData("null", "JSON null")]
    public async Task MalformedRequest_Answers400WithTextAndDriverIsNotCalled(string body, string reason)
    {
        using var temp = new TempDirectory("cnm-sdk");
        var driver = new MinimalNetworkDriver();
        await using var host = await SdkHost.StartAsync(temp.Path, app => app.MapNetworkDriver(driver));

        using var response = await host.PostAsync("/NetworkDriver.CreateNetwork", body);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("text/plain; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.StartsWith("NetworkDriver.CreateNetwork: cannot decode the request: ", text, StringComparison.Ordinal);
        Assert.Contains(reason, text, StringComparison.Ordinal);
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        Assert.Empty(driver.Created);

        using var after = await host.PostAsync("/NetworkDriver.CreateNetwork", CreateBody);
        Assert.Equal(200, (int)after.StatusCode); // a bad request does not hurt the plugin
        Assert.Equal([NetworkId], driver.Created);
    }

    [Fact]
    public async Task Request_KeysInAnotherCase_AreRead()
    {
        using var temp = new TempDirectory("cnm-sdk");
        var driver = new MinimalNetworkDriver();
        await using var host = await SdkHost.StartAsync(temp.Path, app => app.MapNetworkDriver(driver));

        using var response = await host.PostAsync("/NetworkDriver.CreateNetwork", "{\"networkid\":\"abc\",\"Extra\":1}");

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(["abc"], driver.Created);
    }

    [Theory]
    [InlineData("NetworkDriver.GetCapabilities", null, "{\"Scope\":\"local\"}\n")]
    [InlineData("NetworkDriver.AllocateNetwork", "{\"NetworkID\":\"n\",\"Options\":null,\"IPv4Data\":[],\"IPv6Data\":[]}", "{}\n")]
    [InlineData("NetworkDriver.FreeNetwork", "{\"NetworkID\":\"n\"}", "{}\n")]
    [InlineData("NetworkDriver.EndpointOperInfo", "{\"NetworkID\":\"n\",\"EndpointID\":\"e\"}", "{\"Value\":{}}\n")]
    [InlineData("NetworkDriver.DiscoverNew", "{\"DiscoveryType\":1,\"DiscoveryData\":null}", "{}\n")]
    [InlineData("NetworkDriver.DiscoverDelete", "{\"DiscoveryType\":1,\"DiscoveryData\":null}", "{}\n")]
    [InlineData("NetworkDriver.ProgramExternalConnectivity", "{\"NetworkID\":\"n\",\"EndpointID\":\"e\",\"Options\":null}", "{}\n")]
    [InlineData("NetworkDriver.RevokeExternalConnectivity", "{\"NetworkID\":\"n\",\"EndpointID\":\"e\"}", "{}\n")]
    [InlineData("NetworkDriver.DeleteNetwork", "{\"NetworkID\":\"n\"}", "{}\n")]
    [InlineData("IpamDriver.GetCapabilities", null, "{\"RequiresMACAddress\":false,\"RequiresRequestReplay\":false}\n")]
    [InlineData("IpamDriver.GetDefaultAddressSpaces", null,
        "{\"LocalDefaultAddressSpace\":\"LocalDefault\",\"GlobalDefaultAddressSpace\":\"GlobalDefault\"}\n")]
    [InlineData("IpamDriver.ReleasePool", "{\"PoolID\":\"p1\"}", "{}\n")]
    public async Task OptionalMethod_NotOverridden_AnswersTheDefault(string method, string? body, string expected)
    {
        using var temp = new TempDirectory("cnm-sdk");
        await using var host = await SdkHost.StartAsync(temp.Path, app => app
            .MapNetworkDriver(new MinimalNetworkDriver()).MapIpamDriver(new MinimalIpamDriver()));

        using var response = await host.PostAsync("/" + method, body);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(expected, await response.Content.ReadAsStringAsync());
    }
}
