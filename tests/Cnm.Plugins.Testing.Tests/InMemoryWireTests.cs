using Cnm.Protocol;
using Cnm.Testing;

namespace Cnm.Plugins.Testing.Tests;

/// <summary>
/// The golden exchanges of spec/examples through a real PluginClient, once in memory (a Nerdbank.Streams pair) and
/// once over a unix socket: the plugin reads the same request bytes and headers, the client decodes the same answer.
/// </summary>
public class InMemoryWireTests
{
    public static TheoryData<string> Methods() => [.. GoldenCall.Methods];

    [Fact]
    public void Methods_CoverEveryMethod() =>
        Assert.Equal(1 + PluginMethods.Network.All.Count + PluginMethods.Ipam.All.Count, GoldenCall.Methods.Count());

    [Theory]
    [MemberData(nameof(Methods))]
    public async Task GoldenExchange_InMemory_SameBytesAsOverTheSocket(string method)
    {
        var request = GoldenExamples.TryRead(method, "request");
        var response = GoldenExamples.Read(method, "response");
        using var temp = new TempDirectory("cnm-mem");
        await using var memory = await MockPlugin.Create().On(method).Answer(response).StartInMemoryAsync();
        await using var socket = await MockPlugin.Create().On(method).Answer(response).StartUnixAsync(temp.File("golden.sock"));
        using var memoryClient = memory.CreateClient();
        using var socketClient = socket.CreateClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var fromMemory = await GoldenCall.CallAsync(memoryClient, method, request, timeout.Token);
        var fromSocket = await GoldenCall.CallAsync(socketClient, method, request, timeout.Token);

        var viaMemory = Assert.Single(memory.Calls);
        var viaSocket = Assert.Single(socket.Calls);
        Assert.Equal(viaSocket.Body.ToArray(), viaMemory.Body.ToArray());
        Assert.Equal(viaSocket.HttpMethod, viaMemory.HttpMethod);
        Assert.Equal(method, viaMemory.Method);
        foreach (var header in new[] { "Accept", "Host", "Content-Length", "Content-Type", "User-Agent", "Transfer-Encoding" })
        {
            Assert.Equal(viaSocket.Header(header), viaMemory.Header(header));
        }

        Assert.Equal("plugin.moby.localhost", viaMemory.Header("Host"));
        Assert.Equal(PluginMediaTypes.Accept, viaMemory.Header("Accept"));
        if (request is not null)
        {
            var difference = JsonStructure.FindDifference(request, viaMemory.BodyText);
            Assert.True(difference is null, $"request: {difference}");
        }

        Assert.Equal(fromSocket, fromMemory);
        var answerDifference = JsonStructure.FindDifference(response, fromMemory);
        Assert.True(answerDifference is null, $"answer: {answerDifference}");
        Assert.True(memory.InMemory!.ConnectionCount >= 1);
    }
}
