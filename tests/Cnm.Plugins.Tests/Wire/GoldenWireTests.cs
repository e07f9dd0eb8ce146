using Cnm.Plugins.Client;
using Cnm.Protocol;
using Cnm.Testing;

namespace Cnm.Plugins.Tests.Wire;

/// <summary>
/// Each golden exchange of spec/examples goes through the real client to a real plugin server on a unix
/// socket: the server checks the request bytes as a plugin receives them, the client must decode the answer.
/// </summary>
public class GoldenWireTests
{
    private static readonly IReadOnlyList<string> AllMethods =
        [PluginMethods.Activate, .. PluginMethods.Network.All, .. PluginMethods.Ipam.All];

    public static TheoryData<string> Methods() => [.. AllMethods];

    [Fact]
    public void WireExchange_EveryMethod_IsCovered()
    {
        Assert.Equal(21, AllMethods.Count);
        Assert.Equal(
            AllMethods.Order(StringComparer.Ordinal),
            WireExchange.All.Select(e => e.Method).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public async Task CallAsync_GoldenExchange_SendsReferenceWireShape(string method)
    {
        var exchange = WireExchange.For(method);
        var goldenRequest = GoldenExamples.TryRead(method, "request");
        var goldenResponse = GoldenExamples.TryRead(method, "response")
            ?? throw new FileNotFoundException(GoldenExamples.PathOf(method, "response"));
        Assert.Equal(exchange.HasRequest, goldenRequest is not null);

        using var temp = new TempDirectory("cnm-wire");
        await using var server = await PluginServer.StartUnixAsync(temp.File("golden.sock"),
            s => s.Map(method, PluginReply.Json(goldenResponse)));
        using var client = new PluginClient(new PluginSpec("golden", server.Address));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        // The request record is built from the golden body with its members reversed: the bytes on the wire
        // must still be the golden ones, so their order comes from the serializer's rules.
        var returned = await exchange.CallAsync(client, goldenRequest is null ? null : GoldenOrder.Scrambled(goldenRequest), timeout.Token);

        var request = Assert.Single(server.Requests);
        Assert.Equal("POST", request.HttpMethod);
        Assert.Equal("/" + method, request.Path);
        Assert.Equal("application/vnd.docker.plugins.v1.2+json", request.Header("Accept"));
        Assert.Equal("plugin.moby.localhost", request.Header("Host"));
        Assert.Null(request.Header("Content-Type"));
        Assert.Equal("Go-http-client/1.1", request.Header("User-Agent"));
        Assert.Null(request.Header("Transfer-Encoding"));
        Assert.Equal(request.Body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture),
            request.Header("Content-Length"));
        if (goldenRequest is null)
        {
            Assert.Empty(request.Body);
        }
        else
        {
            // The exact bytes: Go's compact JSON with its key order and escapes, then the newline.
            Assert.Equal(goldenRequest, request.BodyText);
            Assert.Equal(GoldenExamples.ReadBytes(method, "request"), request.Body);
        }

        // The decoded answer, written again the Go way, is the plugin's answer byte for byte: nothing was lost.
        Assert.Equal(goldenResponse, returned);
    }
}
