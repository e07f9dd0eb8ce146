using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Cnm.Daemon.Tests;

/// <summary>/metrics (Prometheus text of the plugin calls), /healthz with each plugin's state, and traceparent passed on to plugins.</summary>
public sealed class ObservabilityTests(DaemonFixture fixture) : IClassFixture<DaemonFixture>
{
    private HttpClient Http => fixture.Http;

    private async Task CreateNetworkAsync(string name, string driver, string? traceparent = null, string? tracestate = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1.47/networks/create")
        {
            Content = new StringContent($$"""{"Name":"{{name}}","Driver":"{{driver}}"}""", Encoding.UTF8, "application/json"),
        };
        if (traceparent is not null)
        {
            request.Headers.TryAddWithoutValidation("traceparent", traceparent);
        }

        if (tracestate is not null)
        {
            request.Headers.TryAddWithoutValidation("tracestate", tracestate);
        }

        using var response = await Http.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    private static double? Sample(string text, string metric, params string[] labels)
    {
        foreach (var line in text.Split('\n'))
        {
            if (!line.StartsWith(metric + "{", StringComparison.Ordinal))
            {
                continue;
            }

            var close = line.LastIndexOf('}');
            var labelText = line[..close];
            if (labels.All(l => labelText.Contains(l, StringComparison.Ordinal)))
            {
                return double.Parse(line[(close + 1)..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return null;
    }

    [Fact]
    public async Task Metrics_AfterNetworkCreate_ShowsThePluginCallsAsPrometheusText()
    {
        // Other tests of this class create networks too: compare with a scrape taken just before.
        var before = await Http.GetStringAsync("/metrics");
        await CreateNetworkAsync("obs-metrics", DaemonFixture.MockPlugin);

        using var response = await Http.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {text}");
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);

        string[] createNetwork = ["plugin=\"mockp\"", "method=\"NetworkDriver.CreateNetwork\"", "outcome=\"ok\""];
        var calls = Sample(text, "cnm_plugin_calls_total", createNetwork);
        Assert.True(calls is not null, "no CreateNetwork count in:\n" + text);
        Assert.Equal(1, calls - (Sample(before, "cnm_plugin_calls_total", createNetwork) ?? 0));
        var timed = Sample(text, "cnm_plugin_call_duration_seconds_count", createNetwork);
        Assert.True(timed is not null, "no CreateNetwork duration histogram in:\n" + text);
        Assert.Equal(1, timed - (Sample(before, "cnm_plugin_call_duration_seconds_count", createNetwork) ?? 0));
        Assert.True(Sample(text, "cnm_plugin_call_duration_seconds_bucket", [.. createNetwork, "le=\"0.1\""]) >= 1,
            "the local call took over 100 ms, or the buckets are not in seconds:\n" + text);
        Assert.Contains("cnm_plugin_call_duration_seconds_bucket{", text, StringComparison.Ordinal);
        Assert.True(Sample(text, "cnm_plugin_calls_total", "plugin=\"mockp\"", "method=\"NetworkDriver.GetCapabilities\"") >= 1,
            "no GetCapabilities count in:\n" + text);
    }

    [Fact]
    public async Task Healthz_ListsEachPluginWithItsState()
    {
        await CreateNetworkAsync("obs-health", DaemonFixture.MockPlugin);

        using var response = await Http.GetAsync("/healthz");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {body}");
        var root = JsonDocument.Parse(body).RootElement;
        Assert.Contains(root.GetProperty("Status").GetString(), new[] { "ok", "degraded" });
        var plugins = root.GetProperty("Plugins").EnumerateArray().ToDictionary(
            p => p.GetProperty("Name").GetString()!, p => p.GetProperty("State").GetString());
        Assert.Equal("active", plugins[DaemonFixture.MockPlugin]);
        Assert.Contains(DaemonFixture.MockBoth, plugins.Keys);
    }

    [Fact]
    public async Task ApiRequestWithTraceparent_PluginReceivesTheSameTraceId()
    {
        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        fixture.Both.ClearRequests();

        await CreateNetworkAsync("obs-trace", DaemonFixture.MockBoth, $"00-{traceId}-00f067aa0ba902b7-01");

        var create = fixture.Both.RequestsFor("NetworkDriver.CreateNetwork")[^1];
        Assert.True(create.Headers.TryGetValue("traceparent", out var traceparent), "the plugin got no traceparent");
        var match = Regex.Match(traceparent!, "^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$");
        Assert.True(match.Success, traceparent);
        Assert.Equal(traceId, match.Groups[1].Value);
        Assert.NotEqual("00f067aa0ba902b7", match.Groups[2].Value);
    }

    [Fact]
    public async Task ApiRequestWithoutTraceparent_PluginGetsNoTraceHeaders()
    {
        fixture.Both.ClearRequests();

        await CreateNetworkAsync("obs-notrace", DaemonFixture.MockBoth);

        // No trace of the client's, none of cnmd's own: the request is the reference's, header for header.
        var create = fixture.Both.RequestsFor("NetworkDriver.CreateNetwork")[^1];
        Assert.False(create.Headers.ContainsKey("traceparent"), $"traceparent {create.Headers.GetValueOrDefault("traceparent")}");
        Assert.False(create.Headers.ContainsKey("tracestate"), "tracestate");
    }

    [Fact]
    public async Task ApiRequestWithUnsampledTraceparentAndTracestate_PluginGetsBothWithTheFlagKept()
    {
        const string traceId = "0af7651916cd43dd8448eb211c80319c";
        fixture.Both.ClearRequests();

        await CreateNetworkAsync("obs-unsampled", DaemonFixture.MockBoth, $"00-{traceId}-b7ad6b7169203331-00", "vendor=t61rcWkgMzE");

        var create = fixture.Both.RequestsFor("NetworkDriver.CreateNetwork")[^1];
        Assert.True(create.Headers.TryGetValue("traceparent", out var traceparent), "the plugin got no traceparent");
        var match = Regex.Match(traceparent!, "^00-([0-9a-f]{32})-([0-9a-f]{16})-00$");
        Assert.True(match.Success, traceparent);
        Assert.Equal(traceId, match.Groups[1].Value);
        Assert.True(create.Headers.TryGetValue("tracestate", out var tracestate), "the plugin got no tracestate");
        Assert.Equal("vendor=t61rcWkgMzE", tracestate);
    }
}
