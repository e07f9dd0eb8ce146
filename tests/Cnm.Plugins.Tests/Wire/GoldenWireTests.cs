using Cnm.Plugins.Client;
using Cnm.Protocol;
using Cnm.Testing;

namespace Cnm.Plugins.Tests.Wire;

/// <summary>
/// Each golden exchange of spec/examples goes through the real client to a real plugin server on a unix
/// socket: the server checks the request as a plugin would see it, the client must decode the answer.
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

        var returned = await exchange.CallAsync(client, goldenRequest, timeout.Token);

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
            var body = request.BodyText;
            Assert.EndsWith("\n", body, StringComparison.Ordinal);
            var json = body[..^1];
            Assert.True(JsonStructure.IsCompact(json), $"not compact: {body}");
            var requestDifference = JsonStructure.FindDifference(goldenRequest, json);
            Assert.True(requestDifference is null, $"request body: {requestDifference}\nsent: {body}");
        }

        var responseDifference = JsonStructure.FindDifference(goldenResponse, returned);
        Assert.True(responseDifference is null, $"decoded response: {responseDifference}\ngot: {returned}");
    }
}
