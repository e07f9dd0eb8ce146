using Cnm.Plugins.Registry;
using Cnm.Plugins.Tests.Client;
using Cnm.Plugins.Tests.Discovery;
using Cnm.Protocol;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Cnm.Plugins.Tests.Registry;

/// <summary>A WireMock.Net plugin on 127.0.0.1, found through a temp <c>.spec</c> file.</summary>
public sealed class WireMockSpecPluginTests : IDisposable
{
    private readonly PluginDirectories _dirs = new();
    private readonly WireMockServer _mock = WireMockServer.Start();

    public void Dispose()
    {
        _mock.Stop();
        _mock.Dispose();
        _dirs.Dispose();
    }

    private void Answer(string method, int status, string body) =>
        _mock.Given(Request.Create().WithPath("/" + method).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(status).WithBody(body));

    [Fact]
    public async Task GetAsync_SpecFilePointingAtWireMock_ActivatesAndCallsWithReferenceHeaders()
    {
        Answer(PluginMethods.Activate, 200, "{\"Implements\":[\"NetworkDriver\"]}");
        Answer("NetworkDriver.Probe", 200, "{\"Value\":5}");
        PluginDirectories.Write(Path.Join(_dirs.Etc, "mock.spec"), $"tcp://127.0.0.1:{_mock.Port}\n");
        await using var registry = new PluginRegistry(_dirs.Discovery());

        var plugin = await registry.GetAsync("mock", PluginInterfaces.NetworkDriver, CancellationToken.None);
        var reply = await plugin.Client.CallAsync("NetworkDriver.Probe", new Ask("n1"), TestJsonContext.Default.Ask,
            TestJsonContext.Default.NetReply, CancellationToken.None);

        Assert.Equal(5, reply.Value);
        var entries = _mock.LogEntries.ToList();
        Assert.Equal(["/Plugin.Activate", "/NetworkDriver.Probe"], entries.Select(e => e.RequestMessage.Path));
        Assert.All(entries, e =>
        {
            Assert.Equal("POST", e.RequestMessage.Method);
            Assert.Equal(PluginMediaTypes.Accept, e.RequestMessage.Headers!["Accept"].Single());
            Assert.False(e.RequestMessage.Headers.ContainsKey("Content-Type"));
        });
        Assert.Equal("", entries[0].RequestMessage.Body ?? "");
        Assert.Equal("{\"NetworkID\":\"n1\",\"Blob\":null}\n", entries[1].RequestMessage.Body);
    }

    [Theory]
    [InlineData(500, "{\"Err\":\"mock refused\"}", ErrorCategory.Internal, "mock refused")]
    [InlineData(500, "plain text trouble", ErrorCategory.Internal, "plain text trouble")]
    [InlineData(404, "404 page not found", ErrorCategory.NotImplemented, "does not implement")]
    [InlineData(200, "{\"Err\":\"in-band error\"}", ErrorCategory.Internal, "in-band error")]
    public async Task CallAsync_WireMockFailure_MapsToCategoryNamingPluginAndMethod(int status, string body, ErrorCategory category, string reason)
    {
        Answer(PluginMethods.Activate, 200, "{\"Implements\":[\"NetworkDriver\"]}");
        Answer("NetworkDriver.Probe", status, body);
        PluginDirectories.Write(Path.Join(_dirs.Etc, "mock.spec"), $"http://127.0.0.1:{_mock.Port}");
        await using var registry = new PluginRegistry(_dirs.Discovery());
        var plugin = await registry.GetAsync("mock", PluginInterfaces.NetworkDriver, CancellationToken.None);

        var error = await Assert.ThrowsAsync<PluginException>(() => plugin.Client.CallAsync("NetworkDriver.Probe", new Ask("n1"),
            TestJsonContext.Default.Ask, TestJsonContext.Default.NetReply, CancellationToken.None));

        Assert.Equal(category, error.Category);
        Assert.Contains("plugin \"mock\" NetworkDriver.Probe", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }
}
