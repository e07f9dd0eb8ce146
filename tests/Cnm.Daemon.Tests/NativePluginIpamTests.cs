using System.Net;
using System.Text;
using System.Text.Json;

namespace Cnm.Daemon.Tests;

/// <summary>
/// The native plugin and IPAM routes: per-method call statistics that match the calls a plugin really got (a
/// failed one included, also in <c>/metrics</c>), driver scope, 404 for an unknown plugin, and IPAM pools with
/// usage that follows the endpoints.
/// </summary>
public sealed class NativePluginIpamTests(DaemonFixture fixture) : IClassFixture<DaemonFixture>
{
    private HttpClient Http => fixture.Http;

    private static JsonElement Parse(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    private async Task<HttpResponseMessage> PostAsync(string path, string json) =>
        await Http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    private async Task OkAsync(HttpResponseMessage response)
    {
        using (response)
        {
            Assert.True(response.IsSuccessStatusCode,
                $"{response.RequestMessage?.RequestUri}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}\ncnmd:\n{fixture.Daemon.Stderr}");
        }
    }

    private async Task<JsonElement> GetAsync(string path)
    {
        using var response = await Http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {response.StatusCode} {body}");
        return Parse(body);
    }

    private static double? Sample(string text, string metric, params string[] labels) =>
        text.Split('\n')
            .Where(l => l.StartsWith(metric + "{", StringComparison.Ordinal) && labels.All(x => l[..l.LastIndexOf('}')].Contains(x, StringComparison.Ordinal)))
            .Select(l => (double?)double.Parse(l[(l.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture))
            .FirstOrDefault();

    [Fact]
    public async Task PluginStats_AfterRealCallsWithAFailure_MatchWhatThePluginGotAndShowInMetrics()
    {
        await using var plugin = await PluginServer.StartUnixAsync(Path.Combine(fixture.PluginDir, "statp.sock"), s => s
            .Implements("NetworkDriver")
            .Map("NetworkDriver.GetCapabilities", PluginReply.Json("""{"Scope":"local","ConnectivityScope":"global"}"""))
            .Map("NetworkDriver.CreateNetwork", PluginReply.Json("{}"))
            .Map("NetworkDriver.DeleteNetwork", PluginReply.Json("""{"Err":"statp refuses to delete"}""", 500)));

        await OkAsync(await PostAsync("/networks/create", """{"Name":"stat-a","Driver":"statp","IPAM":{"Driver":"null"}}"""));
        await OkAsync(await PostAsync("/networks/create", """{"Name":"stat-b","Driver":"statp","IPAM":{"Driver":"null"}}"""));
        using (var refused = await Http.DeleteAsync("/networks/stat-a"))
        {
            Assert.False(refused.IsSuccessStatusCode, "the plugin refused the delete, yet it succeeded");
        }

        var inspect = await GetAsync("/cnm/v1/plugins/statp");
        Assert.Equal("active", inspect.GetProperty("State").GetString());
        Assert.Equal("local", inspect.GetProperty("Scope").GetString()); // a global-scope driver gets no network without a cluster store
        var methods = inspect.GetProperty("Methods").EnumerateArray().ToDictionary(m => m.GetProperty("Method").GetString()!);

        // Every call the plugin saw is counted once, and nothing else.
        var seen = plugin.Requests.GroupBy(r => r.ServiceMethod).ToDictionary(g => g.Key, g => (long)g.Count());
        Assert.Equal(seen.OrderBy(p => p.Key, StringComparer.Ordinal),
            methods.ToDictionary(m => m.Key, m => m.Value.GetProperty("Calls").GetInt64()).OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.Equal(2, seen["NetworkDriver.CreateNetwork"]);
        Assert.Equal(seen.Values.Sum(), inspect.GetProperty("Calls").GetInt64());
        Assert.Equal(1, inspect.GetProperty("Errors").GetInt64());

        var create = methods["NetworkDriver.CreateNetwork"];
        Assert.Equal(0, create.GetProperty("Errors").GetInt64());
        Assert.False(create.TryGetProperty("LastError", out _));
        var max = create.GetProperty("MaxMs").GetDouble();
        Assert.True(max is > 0 and < 10_000, $"CreateNetwork max {max} ms");
        Assert.InRange(create.GetProperty("P99Ms").GetDouble(), create.GetProperty("P50Ms").GetDouble(), max);

        var delete = methods["NetworkDriver.DeleteNetwork"];
        Assert.Equal(1, delete.GetProperty("Errors").GetInt64());
        var category = Assert.Single(delete.GetProperty("ErrorsByCategory").EnumerateObject());
        Assert.Equal(1, category.Value.GetInt64());
        Assert.Equal(category.Name, delete.GetProperty("LastError").GetString());
        Assert.True(DateTimeOffset.UtcNow - DateTimeOffset.Parse(delete.GetProperty("LastErrorAt").GetString()!, System.Globalization.CultureInfo.InvariantCulture)
            < TimeSpan.FromMinutes(5));

        var metrics = await Http.GetStringAsync("/metrics");
        Assert.True(Sample(metrics, "cnm_plugin_calls_total", "plugin=\"statp\"", "method=\"NetworkDriver.DeleteNetwork\"",
            "outcome=\"error\"", $"error=\"{category.Name}\"") == 1, "no failed DeleteNetwork with its category in:\n" + metrics);
        Assert.True(Sample(metrics, "cnm_plugin_calls_total", "plugin=\"statp\"", "method=\"NetworkDriver.CreateNetwork\"", "outcome=\"ok\"") == 2,
            "CreateNetwork not counted twice in:\n" + metrics);

        var listed = (await GetAsync("/cnm/v1/plugins")).EnumerateArray().ToDictionary(p => p.GetProperty("Name").GetString()!);
        Assert.Equal("local", listed["statp"].GetProperty("Scope").GetString());
        Assert.Equal(seen.Values.Sum(), listed["statp"].GetProperty("Calls").GetInt64());
        Assert.Equal(1, listed["statp"].GetProperty("Errors").GetInt64());
        Assert.False(listed["statp"].TryGetProperty("Methods", out _), "the list carries totals only");
        Assert.Equal("local", listed[DaemonFixture.MockPlugin].GetProperty("Scope").GetString());
    }

    [Fact]
    public async Task PluginInspect_IpamOnlyPlugin_HasNoScope()
    {
        await using var plugin = await PluginServer.StartUnixAsync(Path.Combine(fixture.PluginDir, "ipamonly.sock"), s => s
            .Implements("IpamDriver")
            .Map("IpamDriver.GetCapabilities", PluginReply.Json("{}"))
            .Map("IpamDriver.GetDefaultAddressSpaces", PluginReply.Json("""{"LocalDefaultAddressSpace":"l","GlobalDefaultAddressSpace":"g"}""")));

        // The watcher activates the new plugin; wait for its registration calls rather than for a fixed time.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        JsonElement inspect;
        do
        {
            await Task.Delay(20);
            using var response = await Http.GetAsync("/cnm/v1/plugins/ipamonly");
            inspect = Parse(await response.Content.ReadAsStringAsync());
        }
        while ((!inspect.TryGetProperty("Calls", out var calls) || calls.GetInt64() < 3) && DateTime.UtcNow < deadline);

        Assert.Equal(["IpamDriver"], inspect.GetProperty("Implements").EnumerateArray().Select(i => i.GetString()));
        Assert.False(inspect.TryGetProperty("Scope", out _), "an IPAM-only plugin declares no network scope: " + inspect);
        Assert.Contains(inspect.GetProperty("Methods").EnumerateArray(), m => m.GetProperty("Method").GetString() == "IpamDriver.GetDefaultAddressSpaces");
    }

    [Fact]
    public async Task PluginInspect_Unknown_404NamingThePlugin()
    {
        using var response = await Http.GetAsync("/cnm/v1/plugins/nosuchplugin");
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("plugin \"nosuchplugin\" not found", Parse(body).GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task IpamPools_ShowEachNetworksPool_UsageFollowsAConnect()
    {
        await OkAsync(await PostAsync("/networks/create", """
            {"Name":"pools-default","Driver":"mockp","IPAM":{"Driver":"default",
             "Config":[{"Subnet":"10.201.0.0/24","IPRange":"10.201.0.128/25","Gateway":"10.201.0.1"}]}}
            """));
        await OkAsync(await PostAsync("/networks/create", """{"Name":"pools-remote","Driver":"mockboth","IPAM":{"Driver":"mockboth"}}"""));

        var pools = (await GetAsync("/cnm/v1/ipam/pools")).EnumerateArray().ToList();
        var local = Assert.Single(pools, p => p.GetProperty("Network").GetString() == "pools-default");
        Assert.Equal("default", local.GetProperty("Driver").GetString());
        Assert.Equal("mockp", local.GetProperty("NetworkDriver").GetString());
        Assert.Equal("LocalDefault", local.GetProperty("AddressSpace").GetString());
        Assert.Equal("ipv4", local.GetProperty("Family").GetString());
        Assert.Equal("10.201.0.0/24", local.GetProperty("Pool").GetString());
        Assert.Equal("10.201.0.128/25", local.GetProperty("IpRange").GetString());
        Assert.Equal("10.201.0.1", local.GetProperty("Gateway").GetString());
        var before = local.GetProperty("Usage");
        var total = before.GetProperty("Total").GetUInt64();
        Assert.InRange(total, 126UL, 128UL); // the /25 range, less any reserved address
        Assert.Equal(total - before.GetProperty("Used").GetUInt64(), before.GetProperty("Free").GetUInt64());

        var remote = Assert.Single(pools, p => p.GetProperty("Network").GetString() == "pools-remote");
        Assert.Equal("mockboth", remote.GetProperty("Driver").GetString());
        Assert.Equal("mockLocal", remote.GetProperty("AddressSpace").GetString());
        Assert.Equal("10.88.0.0/24", remote.GetProperty("Pool").GetString());
        Assert.False(remote.TryGetProperty("Usage", out _), "a plugin IPAM's usage is not known to cnmd");

        await OkAsync(await PostAsync("/cnm/v1/sandboxes", """{"ContainerId":"ab12cd34pools"}"""));
        await OkAsync(await PostAsync("/networks/pools-default/connect", """{"Container":"ab12cd34pools"}"""));

        var after = (await GetAsync("/cnm/v1/ipam/pools")).EnumerateArray()
            .Single(p => p.GetProperty("Network").GetString() == "pools-default").GetProperty("Usage");
        Assert.Equal(before.GetProperty("Used").GetUInt64() + 1, after.GetProperty("Used").GetUInt64());
        Assert.Equal(before.GetProperty("Free").GetUInt64() - 1, after.GetProperty("Free").GetUInt64());
        Assert.Equal(total, after.GetProperty("Total").GetUInt64());

        await OkAsync(await PostAsync("/networks/pools-default/disconnect", """{"Container":"ab12cd34pools"}"""));
        var released = (await GetAsync("/cnm/v1/ipam/pools")).EnumerateArray()
            .Single(p => p.GetProperty("Network").GetString() == "pools-default").GetProperty("Usage");
        Assert.Equal(before.GetProperty("Used").GetUInt64(), released.GetProperty("Used").GetUInt64());
    }
}
