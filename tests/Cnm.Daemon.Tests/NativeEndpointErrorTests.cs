using System.Net;
using System.Text.Json;

namespace Cnm.Daemon.Tests;

/// <summary>Bad requests to the native endpoint routes: 400 with a message naming the problem, and nothing changed.</summary>
public sealed class NativeEndpointErrorTests(DaemonFixture fixture) : IClassFixture<DaemonFixture>, IAsyncLifetime
{
    private HttpClient Http => fixture.Http;

    public async Task InitializeAsync()
    {
        if (!(await Http.GetStringAsync("/networks")).Contains("\"bad-v4\"", StringComparison.Ordinal))
        {
            await NativeEndpointTests.CreateNetworkAsync(Http, "bad-v4", DaemonFixture.MockPlugin, "10.231.9.0/24");
            await NativeEndpointTests.CreateNetworkAsync(Http, "bad-null", "null");
            await NativeEndpointTests.CreateEndpointAsync(Http, """{"Network":"bad-v4","Name":"keep"}""");
            await NativeEndpointTests.CreateSandboxAsync(Http, "feed0000e1");
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Everything a bad request could have changed: the endpoints with their sandbox, and the plugin calls.</summary>
    private async Task<string> StateAsync()
    {
        var endpoints = JsonDocument.Parse(await Http.GetStringAsync("/cnm/v1/endpoints")).RootElement.EnumerateArray()
            .Select(e => e.GetProperty("Name").GetString() + "@" + (e.TryGetProperty("Sandbox", out var s) ? s.GetProperty("Id").GetString() : "-"));
        return string.Join(",", endpoints.Order()) + " calls=" + fixture.Plugin.Requests.Count;
    }

    private async Task AssertRefusedAsync(HttpRequestMessage request, string expected, HttpStatusCode status = HttpStatusCode.BadRequest)
    {
        var before = await StateAsync();
        using (request)
        {
            using var response = await Http.SendAsync(request);
            var error = await NativeEndpointTests.ReadAsync(response, status);
            Assert.Contains(expected, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(before, await StateAsync());
    }

    private static HttpRequestMessage Post(string path, string json) =>
        new(HttpMethod.Post, path) { Content = NativeEndpointTests.Body(json) };

    [Theory]
    [InlineData("""{"Network":"bad-v4","Name":"x1" """, "invalid JSON")]
    [InlineData("", "body is empty")]
    [InlineData("null", "body is null")]
    [InlineData("""{"Network":"bad-v4","Name":42}""", "$.Name has the wrong JSON type")]
    [InlineData("""{"Network":"bad-v4","Name":"x2","Options":["a"]}""", "$.Options")]
    [InlineData("""{"Network":"bad-v4","Name":"x3","Options":{"a":1}}""", "$.Options.a")]
    [InlineData("""{"Network":"bad-v4","Name":"x4","Aliases":"a"}""", "$.Aliases")]
    [InlineData("""{"Network":"bad-v4","Name":"x5","IPv4":"10.231.9.9"}""", "'IPv4'")]
    [InlineData("""{"Name":"x6"}""", "no network given")]
    [InlineData("""{"Network":"bad-v4"}""", "invalid endpoint name \"\"")]
    [InlineData("""{"Network":"bad-v4","Name":"a/b"}""", "invalid endpoint name \"a/b\"")]
    [InlineData("""{"Network":"bad-v4","Name":"x7","Aliases":[""]}""", "alias must not be empty")]
    [InlineData("""{"Network":"bad-v4","Name":"x8","IPv4Address":"10.231.9.300"}""", "invalid IPv4 address \"10.231.9.300\"")]
    [InlineData("""{"Network":"bad-v4","Name":"x9","IPv4Address":"10.231.9.9/24"}""", "invalid IPv4 address \"10.231.9.9/24\"")]
    [InlineData("""{"Network":"bad-v4","Name":"x10","IPv4Address":"10.99.0.9"}""", "does not belong to any of network bad-v4's subnets (10.231.9.0/24)")]
    [InlineData("""{"Network":"bad-v4","Name":"x11","IPv6Address":"fd00::9"}""", "network bad-v4 has IPv6 disabled")]
    [InlineData("""{"Network":"bad-v4","Name":"x12","MacAddress":"02:42:zz:00:00:01"}""", "invalid MAC address \"02:42:zz:00:00:01\"")]
    [InlineData("""{"Network":"bad-null","Name":"x13","IPv4Address":"10.1.2.3"}""", "network bad-null (driver null) has no IPv4 address pools")]
    public async Task Create_BadBody_400AndNothingChanged(string json, string expected) =>
        await AssertRefusedAsync(Post("/cnm/v1/endpoints", json), expected);

    [Fact]
    public async Task Create_BodyOver1MiB_400AndNothingChanged()
    {
        var big = """{"Network":"bad-v4","Name":"big","Options":{"x":""" + "\"" + new string('a', (1 << 20) + 10) + "\"}}";
        await AssertRefusedAsync(Post("/cnm/v1/endpoints", big), "larger than 1048576 bytes");
    }

    [Fact]
    public async Task Create_UnknownNetwork_404AndNothingChanged() =>
        await AssertRefusedAsync(Post("/cnm/v1/endpoints", """{"Network":"bad-nope","Name":"x"}"""), "network bad-nope not found",
            HttpStatusCode.NotFound);

    [Theory]
    [InlineData("/cnm/v1/endpoints?colour=red", "unknown query parameter \"colour\"")]
    [InlineData("/cnm/v1/endpoints?network=bad-v4&network=bad-null", "query parameter \"network\" given 2 times")]
    [InlineData("/cnm/v1/endpoints/keep?verbose=1", "unknown query parameter \"verbose\" for GET /cnm/v1/endpoints/keep: it takes none")]
    public async Task Get_UnknownOrRepeatedParameter_400NamingIt(string path, string expected) =>
        await AssertRefusedAsync(new HttpRequestMessage(HttpMethod.Get, path), expected);

    [Theory]
    [InlineData("/cnm/v1/endpoints/keep?force=yes", "invalid value for force: \"yes\"")]
    [InlineData("/cnm/v1/endpoints/keep?forced=true", "unknown query parameter \"forced\"")]
    public async Task Delete_BadParameter_400AndNotDeleted(string path, string expected) =>
        await AssertRefusedAsync(new HttpRequestMessage(HttpMethod.Delete, path), expected);

    [Theory]
    [InlineData("", "body is empty")]
    [InlineData("""{"Sandbox":7}""", "$.Sandbox has the wrong JSON type")]
    [InlineData("""{"Sandbox":""}""", "no sandbox given")]
    [InlineData("""{"Box":"feed0000e1"}""", "'Box'")]
    public async Task Join_BadBody_400AndNothingChanged(string json, string expected) =>
        await AssertRefusedAsync(Post("/cnm/v1/endpoints/keep/join", json), expected);

    [Fact]
    public async Task Join_UnknownSandboxOrEndpoint_404AndNothingChanged()
    {
        await AssertRefusedAsync(Post("/cnm/v1/endpoints/keep/join", """{"Sandbox":"nobox"}"""), "sandbox nobox not found",
            HttpStatusCode.NotFound);
        await AssertRefusedAsync(Post("/cnm/v1/endpoints/nokeep/join", """{"Sandbox":"feed0000e1"}"""), "endpoint nokeep not found",
            HttpStatusCode.NotFound);
    }
}
