using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Cnm.Daemon.Tests;

/// <summary>The native endpoint routes (spec/daemon-api.md, "Endpoints (native)") over HttpClient: the lifecycle.</summary>
public sealed class NativeEndpointTests(DaemonFixture fixture) : IClassFixture<DaemonFixture>
{
    private HttpClient Http => fixture.Http;

    internal static StringContent Body(string json) => new(json, Encoding.UTF8, "application/json");

    internal static async Task<JsonElement> ReadAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"expected {expected}, got {response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    internal static async Task<string> CreateNetworkAsync(HttpClient http, string name, string driver, string? subnet = null)
    {
        var ipam = subnet is null ? "" : $$""","IPAM":{"Config":[{"Subnet":"{{subnet}}"}]}""";
        using var response = await http.PostAsync("/networks/create", Body($$"""{"Name":"{{name}}","Driver":"{{driver}}"{{ipam}}}"""));
        return (await ReadAsync(response, HttpStatusCode.Created)).GetProperty("Id").GetString()!;
    }

    internal static async Task<JsonElement> CreateEndpointAsync(HttpClient http, string json)
    {
        using var response = await http.PostAsync("/cnm/v1/endpoints", Body(json));
        return await ReadAsync(response, HttpStatusCode.Created);
    }

    internal static async Task<string> CreateSandboxAsync(HttpClient http, string containerId)
    {
        using var response = await http.PostAsync("/cnm/v1/sandboxes", Body($$"""{"ContainerId":"{{containerId}}"}"""));
        return (await ReadAsync(response, HttpStatusCode.Created)).GetProperty("Id").GetString()!;
    }

    private async Task<JsonElement> GetAsync(string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await Http.GetAsync(path);
        return await ReadAsync(response, expected);
    }

    private async Task<JsonElement> JoinAsync(string endpoint, string sandbox, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await Http.PostAsync($"/cnm/v1/endpoints/{endpoint}/join", Body($$"""{"Sandbox":"{{sandbox}}"}"""));
        return await ReadAsync(response, expected);
    }

    private static string[] Names(JsonElement list) => [.. list.EnumerateArray().Select(e => e.GetProperty("Name").GetString()!).Order()];

    [Fact]
    public async Task Create_OnNullNetwork_201WithTheResource_InspectByIdNamePrefixAndNetworkSlashName()
    {
        var networkId = await CreateNetworkAsync(Http, "ep-null", "null");
        var before = DateTimeOffset.UtcNow.AddSeconds(-5);
        var created = await CreateEndpointAsync(Http,
            """{"Network":"ep-null","Name":"web","MacAddress":"02:42:0a:00:00:09","Options":{"com.example.k":"v"},"Aliases":["www"]}""");

        var id = created.GetProperty("Id").GetString()!;
        Assert.Matches("^[0-9a-f]{64}$", id);
        Assert.Equal("web", created.GetProperty("Name").GetString());
        Assert.Equal(networkId, created.GetProperty("Network").GetProperty("Id").GetString());
        Assert.Equal("ep-null", created.GetProperty("Network").GetProperty("Name").GetString());
        Assert.Equal("null", created.GetProperty("Driver").GetString());
        Assert.False(created.TryGetProperty("Sandbox", out _));
        Assert.False(created.TryGetProperty("Join", out _));
        Assert.Equal("02:42:0a:00:00:09", created.GetProperty("Interface").GetProperty("MacAddress").GetString());
        Assert.False(created.GetProperty("Interface").TryGetProperty("Address", out _)); // null skips IPAM
        Assert.Equal("ready", created.GetProperty("State").GetString());
        Assert.Equal("v", created.GetProperty("Options").GetProperty("com.example.k").GetString());
        Assert.Equal(["www"], created.GetProperty("Aliases").EnumerateArray().Select(a => a.GetString()!).ToArray());
        var time = DateTimeOffset.Parse(created.GetProperty("Created").GetString()!, CultureInfo.InvariantCulture);
        Assert.InRange(time, before, DateTimeOffset.UtcNow.AddSeconds(5));

        foreach (var reference in new[] { id, "web", id[..12], "ep-null%2Fweb", networkId[..12] + "%2Fweb" })
        {
            var inspect = await GetAsync("/cnm/v1/endpoints/" + reference);
            Assert.Equal(id, inspect.GetProperty("Id").GetString());
            Assert.Equal(JsonValueKind.Object, inspect.GetProperty("DriverInfo").ValueKind);
            Assert.False(inspect.TryGetProperty("DriverInfoError", out _));
        }

        using var deleted = await Http.DeleteAsync("/cnm/v1/endpoints/" + id);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await GetAsync("/cnm/v1/endpoints/" + id, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Create_OnMockRemoteDriver_PluginGetsTheInterfaceAndOptions_AddressesComeFromIpam()
    {
        await CreateNetworkAsync(Http, "ep-mock", DaemonFixture.MockPlugin, "10.231.1.0/24");
        var fixed1 = await CreateEndpointAsync(Http,
            """{"Network":"ep-mock","Name":"fixed","IPv4Address":"10.231.1.20","Options":{"com.example.k":"v"}}""");
        Assert.Equal("10.231.1.20/24", fixed1.GetProperty("Interface").GetProperty("Address").GetString());
        Assert.Equal(DaemonFixture.MockPlugin, fixed1.GetProperty("Driver").GetString());

        var request = fixture.Plugin.RequestsFor("NetworkDriver.CreateEndpoint")
            .Select(r => JsonDocument.Parse(r.BodyText).RootElement)
            .Single(r => r.GetProperty("EndpointID").GetString() == fixed1.GetProperty("Id").GetString());
        Assert.Equal("10.231.1.20/24", request.GetProperty("Interface").GetProperty("Address").GetString());
        Assert.Equal("v", request.GetProperty("Options").GetProperty("com.example.k").GetString());

        var dynamic = await CreateEndpointAsync(Http, """{"Network":"ep-mock","Name":"dynamic"}""");
        var address = dynamic.GetProperty("Interface").GetProperty("Address").GetString()!;
        Assert.StartsWith("10.231.1.", address, StringComparison.Ordinal);
        Assert.NotEqual("10.231.1.20/24", address);

        var deletes = fixture.Plugin.RequestsFor("NetworkDriver.DeleteEndpoint").Count;
        using (var d1 = await Http.DeleteAsync("/cnm/v1/endpoints/ep-mock%2Ffixed"))
        using (var d2 = await Http.DeleteAsync("/cnm/v1/endpoints/dynamic"))
        {
            Assert.Equal(HttpStatusCode.NoContent, d1.StatusCode);
            Assert.Equal(HttpStatusCode.NoContent, d2.StatusCode);
        }

        Assert.Equal(deletes + 2, fixture.Plugin.RequestsFor("NetworkDriver.DeleteEndpoint").Count);
    }

    [Fact]
    public async Task Inspect_DriverFillsTheInterfaceAndReportsOperInfo_ListDoesNotAskTheDriver()
    {
        await using var plugin = await PluginServer.StartUnixAsync(Path.Combine(fixture.PluginDir, "epinfo.sock"), s => s
            .Implements("NetworkDriver")
            .Map("NetworkDriver.GetCapabilities", PluginReply.Json("""{"Scope":"local"}"""))
            .Map("NetworkDriver.CreateNetwork", PluginReply.Json("{}"))
            .Map("NetworkDriver.DeleteNetwork", PluginReply.Json("{}"))
            .Map("NetworkDriver.CreateEndpoint", PluginReply.Json("""{"Interface":{"MacAddress":"02:aa:bb:cc:dd:ee"}}"""))
            .Map("NetworkDriver.EndpointOperInfo", PluginReply.Json("""{"Value":{"state":"up","mtu":1400}}"""))
            .Map("NetworkDriver.DeleteEndpoint", PluginReply.Json("{}")));
        await CreateNetworkAsync(Http, "ep-info", "epinfo", "10.231.2.0/24");
        var created = await CreateEndpointAsync(Http, """{"Network":"ep-info","Name":"filled"}""");
        Assert.Equal("02:aa:bb:cc:dd:ee", created.GetProperty("Interface").GetProperty("MacAddress").GetString());

        var list = await GetAsync("/cnm/v1/endpoints?network=ep-info");
        Assert.Equal(["filled"], Names(list));
        Assert.False(list[0].TryGetProperty("DriverInfo", out _));
        Assert.Empty(plugin.RequestsFor("NetworkDriver.EndpointOperInfo"));

        var inspect = await GetAsync("/cnm/v1/endpoints/filled");
        Assert.Equal("up", inspect.GetProperty("DriverInfo").GetProperty("state").GetString());
        Assert.Equal(1400, inspect.GetProperty("DriverInfo").GetProperty("mtu").GetInt32());
        Assert.Single(plugin.RequestsFor("NetworkDriver.EndpointOperInfo"));

        // A driver that fails EndpointOperInfo does not fail the inspect: the error is shown beside the endpoint.
        plugin.Map("NetworkDriver.EndpointOperInfo", PluginReply.Json("""{"Err":"oper info exploded"}""", 500));
        var failing = await GetAsync("/cnm/v1/endpoints/filled");
        Assert.Equal("filled", failing.GetProperty("Name").GetString());
        Assert.Contains("oper info exploded", failing.GetProperty("DriverInfoError").GetString(), StringComparison.Ordinal);
        Assert.False(failing.TryGetProperty("DriverInfo", out _));

        // Nor does a driver that hangs: the inspect gives up on it after 5 s, not the 60 s plugin call timeout.
        plugin.Map("NetworkDriver.EndpointOperInfo", PluginReply.Json("{}") with { Delay = TimeSpan.FromSeconds(30) });
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var hung = await GetAsync("/cnm/v1/endpoints/filled");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"inspect took {clock.Elapsed}");
        Assert.Equal("driver epinfo did not answer EndpointOperInfo within 5 s", hung.GetProperty("DriverInfoError").GetString());

        using var deleted = await Http.DeleteAsync("/cnm/v1/endpoints/filled");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using var net = await Http.DeleteAsync("/networks/ep-info");
        Assert.Equal(HttpStatusCode.NoContent, net.StatusCode);
    }

    [Fact]
    public async Task List_FiltersByNetworkAndSandbox()
    {
        await CreateNetworkAsync(Http, "ep-la", DaemonFixture.MockPlugin); // one null network at most
        await CreateNetworkAsync(Http, "ep-lb", DaemonFixture.MockPlugin, "10.231.3.0/24");
        await CreateEndpointAsync(Http, """{"Network":"ep-la","Name":"la1"}""");
        await CreateEndpointAsync(Http, """{"Network":"ep-la","Name":"la2"}""");
        await CreateEndpointAsync(Http, """{"Network":"ep-lb","Name":"lb1"}""");
        var sandbox = await CreateSandboxAsync(Http, "feed0000a1");
        await JoinAsync("la2", sandbox);
        await JoinAsync("lb1", "feed0000a1");

        Assert.Equal(["la1", "la2", "lb1"], Names(await GetAsync("/cnm/v1/endpoints")).Where(n => n.StartsWith('l')).ToArray());
        Assert.Equal(["la1", "la2"], Names(await GetAsync("/cnm/v1/endpoints?network=ep-la")));
        Assert.Equal(["la2", "lb1"], Names(await GetAsync("/cnm/v1/endpoints?sandbox=" + sandbox[..12])));
        Assert.Equal(["la2"], Names(await GetAsync("/cnm/v1/endpoints?network=ep-la&sandbox=feed0000a1")));

        // A sandbox delete deletes the endpoints joined to it, also those created and joined by hand (spec/daemon-api.md).
        using var removed = await Http.DeleteAsync("/cnm/v1/sandboxes/feed0000a1");
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        Assert.Equal(["la1"], Names(await GetAsync("/cnm/v1/endpoints")).Where(n => n.StartsWith('l')).ToArray());
    }

    [Fact]
    public async Task JoinAndLeave_SandboxListsTheEndpoint_AddressesStayAfterLeave()
    {
        await CreateNetworkAsync(Http, "ep-join", DaemonFixture.MockPlugin, "10.231.4.0/24");
        var endpoint = await CreateEndpointAsync(Http, """{"Network":"ep-join","Name":"joiner","IPv4Address":"10.231.4.7"}""");
        var id = endpoint.GetProperty("Id").GetString()!;
        var sandbox = await CreateSandboxAsync(Http, "feed0000b1");

        var joined = await JoinAsync("joiner", "feed0000b1");
        Assert.Equal(sandbox, joined.GetProperty("Sandbox").GetProperty("Id").GetString());
        Assert.Equal("feed0000b1", joined.GetProperty("Sandbox").GetProperty("Name").GetString());
        Assert.Equal(JsonValueKind.Object, joined.GetProperty("Join").ValueKind);
        Assert.Contains(fixture.Plugin.RequestsFor("NetworkDriver.Join"),
            r => JsonDocument.Parse(r.BodyText).RootElement.GetProperty("EndpointID").GetString() == id);
        var box = await GetAsync("/cnm/v1/sandboxes/feed0000b1");
        Assert.Equal([id], box.GetProperty("Endpoints").EnumerateArray().Select(e => e.GetString()!).ToArray());

        var again = await JoinAsync("joiner", "feed0000b1", HttpStatusCode.Conflict);
        Assert.Contains("already joined", again.GetProperty("message").GetString(), StringComparison.Ordinal);

        using (var leave = await Http.PostAsync("/cnm/v1/endpoints/joiner/leave", null))
        {
            var left = await ReadAsync(leave, HttpStatusCode.OK);
            Assert.False(left.TryGetProperty("Sandbox", out _));
            Assert.False(left.TryGetProperty("Join", out _));
            Assert.Equal("10.231.4.7/24", left.GetProperty("Interface").GetProperty("Address").GetString());
        }

        Assert.Contains(fixture.Plugin.RequestsFor("NetworkDriver.Leave"),
            r => JsonDocument.Parse(r.BodyText).RootElement.GetProperty("EndpointID").GetString() == id);
        Assert.Equal(0, (await GetAsync("/cnm/v1/sandboxes/feed0000b1")).GetProperty("Endpoints").GetArrayLength());
        using (var leaveAgain = await Http.PostAsync("/cnm/v1/endpoints/joiner/leave", null))
        {
            var error = await ReadAsync(leaveAgain, HttpStatusCode.Conflict);
            Assert.Contains("not joined", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        using var deleted = await Http.DeleteAsync("/cnm/v1/endpoints/joiner");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
    }

    [Fact]
    public async Task Delete_JoinedEndpoint_RefusedUnlessForced()
    {
        await CreateNetworkAsync(Http, "ep-del", DaemonFixture.MockPlugin, "10.231.5.0/24");
        var id = (await CreateEndpointAsync(Http, """{"Network":"ep-del","Name":"stuck"}""")).GetProperty("Id").GetString()!;
        await CreateSandboxAsync(Http, "feed0000c1");
        await JoinAsync("stuck", "feed0000c1");

        var deletes = fixture.Plugin.RequestsFor("NetworkDriver.DeleteEndpoint").Count;
        using (var refused = await Http.DeleteAsync("/cnm/v1/endpoints/stuck"))
        {
            var error = await ReadAsync(refused, HttpStatusCode.Conflict);
            Assert.Contains("leave it first or force the delete", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        var still = await GetAsync("/cnm/v1/endpoints/stuck");
        Assert.Equal("feed0000c1", still.GetProperty("Sandbox").GetProperty("Name").GetString());
        Assert.Equal(deletes, fixture.Plugin.RequestsFor("NetworkDriver.DeleteEndpoint").Count);

        using (var forced = await Http.DeleteAsync("/cnm/v1/endpoints/stuck?force=true"))
        {
            Assert.Equal(HttpStatusCode.NoContent, forced.StatusCode);
        }

        await GetAsync("/cnm/v1/endpoints/" + id, HttpStatusCode.NotFound);
        Assert.Equal(0, (await GetAsync("/cnm/v1/sandboxes/feed0000c1")).GetProperty("Endpoints").GetArrayLength());
        Assert.Equal(deletes + 1, fixture.Plugin.RequestsFor("NetworkDriver.DeleteEndpoint").Count);
        Assert.Contains(fixture.Plugin.RequestsFor("NetworkDriver.Leave"),
            r => JsonDocument.Parse(r.BodyText).RootElement.GetProperty("EndpointID").GetString() == id);
    }

    [Fact]
    public async Task DuplicateName_409_SameNameInAnotherNetworkIsAmbiguousByNameAlone()
    {
        await CreateNetworkAsync(Http, "ep-d1", DaemonFixture.MockPlugin);
        await CreateNetworkAsync(Http, "ep-d2", DaemonFixture.MockPlugin); // one null network at most
        var first = await CreateEndpointAsync(Http, """{"Network":"ep-d1","Name":"twin"}""");
        using (var duplicate = await Http.PostAsync("/cnm/v1/endpoints", Body("""{"Network":"ep-d1","Name":"twin"}""")))
        {
            var error = await ReadAsync(duplicate, HttpStatusCode.Conflict);
            Assert.Equal("endpoint with name twin already exists in network ep-d1", error.GetProperty("message").GetString());
        }

        Assert.Equal(["twin"], Names(await GetAsync("/cnm/v1/endpoints?network=ep-d1")));
        Assert.Equal(first.GetProperty("Id").GetString(), (await GetAsync("/cnm/v1/endpoints/twin")).GetProperty("Id").GetString());

        var second = await CreateEndpointAsync(Http, """{"Network":"ep-d2","Name":"twin"}""");
        var ambiguous = await GetAsync("/cnm/v1/endpoints/twin", HttpStatusCode.BadRequest);
        Assert.Contains("ambiguous: networks ep-d1, ep-d2", ambiguous.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(second.GetProperty("Id").GetString(), (await GetAsync("/cnm/v1/endpoints/ep-d2%2Ftwin")).GetProperty("Id").GetString());
        using var refused = await Http.DeleteAsync("/cnm/v1/endpoints/twin");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(2, (await GetAsync("/cnm/v1/endpoints")).EnumerateArray().Count(e => e.GetProperty("Name").GetString() == "twin"));
    }

    [Theory]
    [InlineData("GET", "/cnm/v1/endpoints/nope")]
    [InlineData("GET", "/cnm/v1/endpoints/ep-nope%2Fx")]
    [InlineData("DELETE", "/cnm/v1/endpoints/nope")]
    [InlineData("POST", "/cnm/v1/endpoints/nope/leave")]
    [InlineData("GET", "/cnm/v1/endpoints?network=nope")]
    [InlineData("GET", "/cnm/v1/endpoints?sandbox=nope")]
    public async Task UnknownEndpointNetworkOrSandbox_404NamingIt(string method, string path)
    {
        using var response = await Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        var error = await ReadAsync(response, HttpStatusCode.NotFound);
        Assert.Matches("(endpoint|network|sandbox) [a-z-]*nope[a-z-]* not found", error.GetProperty("message").GetString());
    }
}
