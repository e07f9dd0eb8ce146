using Cnm.Protocol;
using Cnm.Testing;

namespace Cnm.Plugins.Sdk.Tests;

/// <summary>
/// For every method of spec/examples, an SDK plugin whose driver returns the golden answer writes exactly the bytes
/// go-plugins-helpers writes for it (Go's encoder: compact, map keys sorted, a newline), with its Content-Type.
/// </summary>
public class SdkWireTests
{
    private static readonly IReadOnlyList<string> AllMethods =
        [PluginMethods.Activate, .. PluginMethods.Network.All, .. PluginMethods.Ipam.All];

    public static TheoryData<string> Methods() => [.. AllMethods];

    [Theory]
    [MemberData(nameof(Methods))]
    public async Task Answer_GoldenExample_IsByteCompatibleWithGoPluginsHelpers(string method)
    {
        using var temp = new TempDirectory("cnm-sdk-wire");
        await using var host = await SdkHost.StartAsync(temp.Path, app => app
            .MapNetworkDriver(new GoldenDriver.Network())
            .MapIpamDriver(new GoldenDriver.Ipam()));
        var goldenRequest = GoldenExamples.TryRead(method, "request");
        var expected = GoEncoding.Encode(GoldenExamples.Read(method, "response"));

        using var response = await host.PostAsync("/" + method, goldenRequest is null ? null : GoEncoding.Encode(goldenRequest));

        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("application/vnd.docker.plugins.v1.1+json", response.Content.Headers.ContentType?.ToString());
        Assert.Equal(body.Length, response.Content.Headers.ContentLength);
        Assert.False(response.Headers.Contains("Server"), "go-plugins-helpers sends no Server header");
        Assert.Equal(expected, body);
        if (goldenRequest is not null)
        {
            Assert.True(GoldenDriver.Requests.TryGetValue(method, out var received), $"the driver did not get {method}");
            var difference = JsonStructure.FindDifference(goldenRequest, received);
            Assert.True(difference is null, $"{method} request as the driver saw it: {difference}\n{received}");
        }
    }
}
