using System.Net;
using System.Text;
using System.Text.Json;

namespace Cnm.Daemon.Tests;

/// <summary>The API over HttpClient: negotiation headers, version prefixes, and bad requests that must change nothing.</summary>
public sealed class ApiTests(DaemonFixture fixture) : IClassFixture<DaemonFixture>
{
    private HttpClient Http => fixture.Http;

    private async Task<string> NetworkListAsync()
    {
        var body = await Http.GetStringAsync("/networks");
        return string.Join(",", JsonDocument.Parse(body).RootElement.EnumerateArray().Select(n => n.GetProperty("Name").GetString()).Order());
    }

    private static async Task AssertBadRequestAsync(HttpResponseMessage response, string expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var message = JsonDocument.Parse(body).RootElement.GetProperty("message").GetString();
        Assert.Contains(expected, message, StringComparison.Ordinal);
    }

    private Task<HttpResponseMessage> CreateAsync(string json, string path = "/v1.47/networks/create") =>
        Http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    [Fact]
    public async Task Ping_HeadAndGet_AnnounceApiVersion()
    {
        using var head = await Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/_ping"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal("1.47", head.Headers.GetValues("Api-Version").Single());
        Assert.Equal("linux", head.Headers.GetValues("Ostype").Single());

        using var get = await Http.GetAsync("/_ping");
        Assert.Equal("OK", await get.Content.ReadAsStringAsync());

        var version = JsonDocument.Parse(await Http.GetStringAsync("/v1.41/version")).RootElement;
        Assert.Equal("1.47", version.GetProperty("ApiVersion").GetString());
        Assert.Equal("1.24", version.GetProperty("MinAPIVersion").GetString());
    }

    [Fact]
    public async Task CreateNetwork_WithAndWithoutVersionPrefix_DefaultsToNullDriver()
    {
        using var created = await CreateAsync("""{"Name":"plain"}""", "/networks/create");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("Id").GetString()!;

        var network = JsonDocument.Parse(await Http.GetStringAsync($"/v1.47/networks/{id[..12]}")).RootElement;
        Assert.Equal("plain", network.GetProperty("Name").GetString());
        Assert.Equal("null", network.GetProperty("Driver").GetString());

        using var deleted = await Http.DeleteAsync("/v1.24/networks/plain");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
    }

    [Fact]
    public async Task CreateNetwork_MalformedJson_400AndNothingChanged()
    {
        var before = await NetworkListAsync();
        await AssertBadRequestAsync(await CreateAsync("""{"Name":"bad1", """), "invalid JSON");
        await AssertBadRequestAsync(await CreateAsync(""), "body is empty");
        Assert.Equal(before, await NetworkListAsync());
    }

    [Fact]
    public async Task CreateNetwork_WrongTypes_400AndNothingChanged()
    {
        var before = await NetworkListAsync();
        await AssertBadRequestAsync(await CreateAsync("""{"Name":"bad2","Internal":"yes"}"""), "$.Internal has the wrong JSON type");
        await AssertBadRequestAsync(await CreateAsync("""{"Name":"bad3","Labels":["a"]}"""), "$.Labels");
        await AssertBadRequestAsync(await CreateAsync("""{"Name":42}"""), "$.Name");
        Assert.Equal(before, await NetworkListAsync());
    }

    [Fact]
    public async Task CreateNetwork_BodyOver1MiB_400AndNothingChanged()
    {
        var before = await NetworkListAsync();
        var big = "{\"Name\":\"bad4\",\"Labels\":{\"x\":\"" + new string('a', (1 << 20) + 10) + "\"}}";
        await AssertBadRequestAsync(await CreateAsync(big), "larger than 1048576 bytes");
        Assert.Equal(before, await NetworkListAsync());
    }

    [Theory]
    [InlineData("""{"Name":"bad5","IPAM":{"Config":[{"Subnet":"10.0.0.0/33"}]}}""", "invalid subnet \"10.0.0.0/33\"")]
    [InlineData("""{"Name":"bad6","IPAM":{"Config":[{"Subnet":"banana"}]}}""", "invalid subnet \"banana\"")]
    [InlineData("""{"Name":"bad7","IPAM":{"Config":[{"Subnet":"10.1.0.0/24","Gateway":"10.2.0.1"}]}}""", "10.2.0.1")]
    [InlineData("""{"Name":"bad name!"}""", "invalid network name")]
    [InlineData("""{"Name":""}""", "invalid network name")]
    [InlineData("""{"Name":"bad8","Ingress":true}""", "ingress")]
    public async Task CreateNetwork_InvalidValues_400AndNothingChanged(string json, string expected)
    {
        var before = await NetworkListAsync();
        await AssertBadRequestAsync(await CreateAsync(json), expected);
        Assert.Equal(before, await NetworkListAsync());
    }

    [Fact]
    public async Task ListNetworks_UnknownOrMalformedFilter_400()
    {
        await AssertBadRequestAsync(await Http.GetAsync("/networks?filters=" + Uri.EscapeDataString("""{"colour":{"red":true}}""")),
            "invalid filter 'colour'");
        await AssertBadRequestAsync(await Http.GetAsync("/networks?filters=" + Uri.EscapeDataString("{nope")), "invalid filters");
        await AssertBadRequestAsync(await Http.GetAsync("/networks?filters=" + Uri.EscapeDataString("""{"type":{"weird":true}}""")),
            "'type'='weird'");
    }

    [Fact]
    public async Task ListNetworks_LegacyFilterFormat_Works()
    {
        using var created = await CreateAsync($$"""{"Name":"legacyfilter","Driver":"{{DaemonFixture.MockPlugin}}"}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await Http.GetStringAsync("/networks?filters=" + Uri.EscapeDataString("""{"name":["legacyfilter"],"type":["custom"]}"""));
        Assert.Equal("legacyfilter", JsonDocument.Parse(body).RootElement.EnumerateArray().Single().GetProperty("Name").GetString());
    }

    [Fact]
    public async Task Sandboxes_CreateListInspectDelete()
    {
        using var created = await Http.PostAsync("/cnm/v1/sandboxes",
            new StringContent("""{"ContainerId":"feedbeef01"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var sandbox = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("feedbeef01", sandbox.GetProperty("Name").GetString());
        Assert.StartsWith(fixture.Temp.File("exec"), sandbox.GetProperty("Key").GetString(), StringComparison.Ordinal);

        Assert.Contains("feedbeef01", await Http.GetStringAsync("/cnm/v1/sandboxes"), StringComparison.Ordinal);
        Assert.Equal(sandbox.GetProperty("Id").GetString(),
            JsonDocument.Parse(await Http.GetStringAsync("/cnm/v1/sandboxes/feedbeef")).RootElement.GetProperty("Id").GetString());

        using var deleted = await Http.DeleteAsync("/cnm/v1/sandboxes/feedbeef01");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using var missing = await Http.GetAsync("/cnm/v1/sandboxes/feedbeef01");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        await AssertBadRequestAsync(await Http.PostAsync("/cnm/v1/sandboxes",
            new StringContent("""{"ContainerId":""}""", Encoding.UTF8, "application/json")), "container id must not be empty");
    }

    [Fact]
    public async Task UnknownRoute_404WithMessage()
    {
        using var response = await Http.GetAsync("/v1.47/no-such-route/json");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("page not found", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Healthz_AndPluginList_ShowActivePlugins()
    {
        // The watcher activates the plugins found at start-up; wait for it rather than for a fixed time.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        JsonElement health;
        while (true)
        {
            health = JsonDocument.Parse(await Http.GetStringAsync("/healthz")).RootElement;
            if (health.GetProperty("Plugins").EnumerateArray().Count(p => p.GetProperty("State").GetString() == "active") >= 3
                || DateTime.UtcNow > deadline)
            {
                break;
            }

            await Task.Delay(20);
        }

        Assert.Equal("ok", health.GetProperty("Status").GetString());
        var plugins = JsonDocument.Parse(await Http.GetStringAsync("/cnm/v1/plugins")).RootElement.EnumerateArray().ToList();
        var both = plugins.Single(p => p.GetProperty("Name").GetString() == DaemonFixture.MockBoth);
        Assert.Equal("active", both.GetProperty("State").GetString());
        Assert.Equal(["IpamDriver", "NetworkDriver"],
            both.GetProperty("Implements").EnumerateArray().Select(i => i.GetString()!).Order().ToArray());
        Assert.Contains(DaemonFixture.MockBoth + ".sock", both.GetProperty("Address").GetString(), StringComparison.Ordinal);
    }

    /// <summary>
    /// No lock is held across a plugin call: reads answer while a CreateNetwork hangs in the plugin (it hangs until the test
    /// cancels it, so a read that waited for it would never answer). Each read gets a generous 10 s; the latencies are only
    /// printed, never asserted (a loaded CI machine once took 69 ms at p99).
    /// </summary>
    [Fact]
    public async Task ListNetworks_WhilePluginHangsCreateNetwork_AllAnswerFast()
    {
        using var cts = new CancellationTokenSource();
        var hung = Http.PostAsync("/networks/create",
            new StringContent($$"""{"Name":"hung","Driver":"{{DaemonFixture.SlowPlugin}}"}""", Encoding.UTF8, "application/json"), cts.Token);
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (fixture.Slow.RequestsFor("NetworkDriver.CreateNetwork").Count == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the plugin never got CreateNetwork");
            await Task.Delay(5);
        }

        for (var i = 0; i < 5; i++)
        {
            await Http.GetStringAsync("/networks"); // warm-up
        }

        var latencies = new List<double>();
        for (var i = 0; i < 100; i++)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            using var read = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            using var response = await Http.GetAsync("/networks", read.Token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            latencies.Add(clock.Elapsed.TotalMilliseconds);
        }

        Assert.False(hung.IsCompleted, "CreateNetwork should still be hanging");
        latencies.Sort();
        var p50 = latencies[49];
        var p99 = latencies[98];
        Console.WriteLine($"GET /networks x100 during a hung CreateNetwork: p50 {p50:F2} ms, p99 {p99:F2} ms, max {latencies[99]:F2} ms");

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => hung);
    }
}
