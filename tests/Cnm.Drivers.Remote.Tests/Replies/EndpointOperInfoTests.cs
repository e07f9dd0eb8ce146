using Cnm.Core.Errors;
using Cnm.Plugins;
using Cnm.Plugins.Client;
using Cnm.Protocol;
using Cnm.Testing;

namespace Cnm.Drivers.Remote.Tests.Replies;

/// <summary>
/// EndpointOperInfo is not exposed by the controller, so the driver is called directly. A 404 is empty info
/// (docs/decisions.md, "EndpointOperInfo 404"); other failures are errors.
/// </summary>
public sealed class EndpointOperInfoTests
{
    private static RemoteNetworkDriver DriverFor(RemoteHarness h, out PluginClient client)
    {
        var connection = new PluginConnection(RemoteHarness.PluginName);
        client = new PluginClient(new PluginSpec(RemoteHarness.PluginName, new Uri("unix://" + h.Plugin.SocketPath)));
        connection.Attach(client);
        return new RemoteNetworkDriver(connection);
    }

    [Fact]
    public async Task EndpointOperInfo_PluginAnswers_ReturnsItsValue()
    {
        await using var h = await RemoteHarness.CreateAsync();
        var network = await h.NetworkAsync("n1");
        var endpoint = await h.EndpointAsync(network, "e1");
        var driver = DriverFor(h, out var client);
        using var _ = client;
        h.Plugin.ClearCalls();

        var info = await driver.EndpointOperInfoAsync(network.Id, endpoint.Id, CancellationToken.None);

        Assert.Equal(endpoint.Id, info["endpoint"].GetString());
        JsonAssert.Call(PluginMethods.Network.EndpointOperInfo, $$$"""{"NetworkID":"{{{network.Id}}}","EndpointID":"{{{endpoint.Id}}}"}""",
            Assert.Single(h.Plugin.Calls));
    }

    [Fact]
    public async Task EndpointOperInfo_PluginAnswers404_ReturnsEmptyInfo()
    {
        await using var h = await RemoteHarness.CreateAsync();
        var network = await h.NetworkAsync("n1");
        var endpoint = await h.EndpointAsync(network, "e1");
        h.Plugin.Answer(PluginMethods.Network.EndpointOperInfo, PluginReply.Text("404 page not found\n", 404));
        var driver = DriverFor(h, out var client);
        using var _ = client;

        var info = await driver.EndpointOperInfoAsync(network.Id, endpoint.Id, CancellationToken.None);

        Assert.Empty(info);
        Assert.Single(h.Plugin.CallsTo(PluginMethods.Network.EndpointOperInfo));
    }

    [Fact]
    public async Task EndpointOperInfo_PluginFails_ThrowsNamingPluginAndMethod()
    {
        await using var h = await RemoteHarness.CreateAsync();
        h.Plugin.FailMethod(PluginMethods.Network.EndpointOperInfo);
        var driver = DriverFor(h, out var client);
        using var _ = client;

        var error = await Assert.ThrowsAsync<PluginCallException>(() => driver.EndpointOperInfoAsync("n", "e", CancellationToken.None));

        Assert.Contains("plugin \"rec\" NetworkDriver.EndpointOperInfo", error.Message, StringComparison.Ordinal);
        Assert.Contains("injected failure", error.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<CnmException>(error);
    }
}
