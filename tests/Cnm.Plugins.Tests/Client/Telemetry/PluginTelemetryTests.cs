using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Cnm.Plugins.Client;
using Cnm.Testing;

namespace Cnm.Plugins.Tests.Client.Telemetry;

public sealed class PluginTelemetryTests
{
    private sealed record Measurement(string Instrument, double Value, Dictionary<string, string?> Tags);

    /// <summary>Collects the measurements of the Cnm.Plugins instruments for one plugin name (tests run in parallel).</summary>
    private sealed class Recorder : IDisposable
    {
        private readonly MeterListener _listener = new();

        public Recorder(string plugin)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == PluginMetrics.Name)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Add(plugin, i, v, tags));
            _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Add(plugin, i, v, tags));
            _listener.Start();
        }

        public ConcurrentQueue<Measurement> Measurements { get; } = new();

        private void Add(string plugin, Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var map = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var tag in tags)
            {
                map[tag.Key] = tag.Value?.ToString();
            }

            if (map.GetValueOrDefault("plugin") == plugin)
            {
                Measurements.Enqueue(new Measurement(instrument.Name, value, map));
            }
        }

        public void Dispose() => _listener.Dispose();
    }

    private static async Task<(TempDirectory Dir, PluginServer Server, PluginClient Client)> StartAsync(string plugin,
        Action<PluginServer> configure)
    {
        var dir = new TempDirectory();
        var server = await PluginServer.StartUnixAsync(dir.File("p.sock"), configure);
        return (dir, server, new PluginClient(new PluginSpec(plugin, server.Address)));
    }

    private static Task<NetReply> CallAsync(PluginClient client, string method) =>
        client.CallAsync(method, new Ask("n1"), TestJsonContext.Default.Ask, TestJsonContext.Default.NetReply, CancellationToken.None);

    [Fact]
    public async Task Calls_SuccessAndFailure_AreCountedWithTagsAndTimed()
    {
        var plugin = "metrics-" + Guid.NewGuid().ToString("N")[..8];
        using var recorder = new Recorder(plugin);
        var (dir, server, client) = await StartAsync(plugin, s => s
            .Map("NetworkDriver.Good", PluginReply.Json("{\"Value\":1}"))
            .Map("NetworkDriver.Bad", PluginReply.Json("{\"Err\":\"boom\"}", 500)));
        using (dir)
        await using (server)
        using (client)
        {
            await CallAsync(client, "NetworkDriver.Good");
            await CallAsync(client, "NetworkDriver.Good");
            await Assert.ThrowsAsync<PluginException>(() => CallAsync(client, "NetworkDriver.Bad"));
        }

        var calls = recorder.Measurements.Where(m => m.Instrument == PluginMetrics.CallsName).ToList();
        var ok = calls.Where(m => m.Tags["method"] == "NetworkDriver.Good").ToList();
        Assert.Equal(2, ok.Count);
        Assert.All(ok, m =>
        {
            Assert.Equal(1, m.Value);
            Assert.Equal("ok", m.Tags["outcome"]);
            Assert.False(m.Tags.ContainsKey("error"));
        });
        var failed = Assert.Single(calls, m => m.Tags["method"] == "NetworkDriver.Bad");
        Assert.Equal("error", failed.Tags["outcome"]);
        Assert.Equal("internal", failed.Tags["error"]);

        var durations = recorder.Measurements.Where(m => m.Instrument == PluginMetrics.DurationName).ToList();
        Assert.Equal(3, durations.Count);
        Assert.All(durations, m => Assert.True(m.Value is > 0 and < 30, $"duration {m.Value} s"));
        Assert.Equal(2, durations.Count(m => m.Tags["outcome"] == "ok"));
        Assert.Equal(1, durations.Count(m => m.Tags["outcome"] == "error" && m.Tags["method"] == "NetworkDriver.Bad"));
    }

    [Fact]
    public async Task Call_Unreachable_IsCountedAsUnavailable()
    {
        var plugin = "metrics-" + Guid.NewGuid().ToString("N")[..8];
        using var recorder = new Recorder(plugin);
        using var dir = new TempDirectory();
        using var client = new PluginClient(new PluginSpec(plugin, new Uri("unix://" + dir.File("none.sock"))),
            new PluginClientOptions { ConnectRetryBudget = TimeSpan.Zero });

        await Assert.ThrowsAsync<PluginException>(() => CallAsync(client, "NetworkDriver.Probe"));

        var call = Assert.Single(recorder.Measurements, m => m.Instrument == PluginMetrics.CallsName);
        Assert.Equal("unavailable", call.Tags["error"]);
    }

    [Fact]
    public async Task Call_WithinTracedActivity_SendsTraceparentOfThatTrace()
    {
        var plugin = "trace-" + Guid.NewGuid().ToString("N")[..8];
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == PluginMetrics.Name || s.Name == "test",
            // Only the test's activity and the plugin calls under it: calls of tests running in parallel get no
            // activity, so their requests keep the exact reference headers those tests check.
            Sample = (ref ActivityCreationOptions<ActivityContext> o) =>
                o.Source.Name == "test" || o.Parent.TraceId != default
                    ? ActivitySamplingResult.AllDataAndRecorded
                    : ActivitySamplingResult.None,
        };
        ActivitySource.AddActivityListener(listener);
        using var source = new ActivitySource("test");
        var (dir, server, client) = await StartAsync(plugin, s => s.Map("NetworkDriver.Good", PluginReply.Json("{\"Value\":1}")));
        using (dir)
        await using (server)
        using (client)
        {
            using (var activity = source.StartActivity("test call"))
            {
                Assert.NotNull(activity);
                await CallAsync(client, "NetworkDriver.Good");
                var request = Assert.Single(server.Requests);
                Assert.True(request.Headers.TryGetValue("traceparent", out var traceparent), "no traceparent header");
                var parts = traceparent!.Split('-');
                Assert.Equal(4, parts.Length);
                Assert.Equal("00", parts[0]);
                Assert.Equal(activity.TraceId.ToHexString(), parts[1]);
                Assert.NotEqual(activity.SpanId.ToHexString(), parts[2]);
            }
        }
    }

    [Fact]
    public async Task Call_UnderAnotherSourcesActivity_NobodyTracingThePluginCall_SendsNoTraceHeaders()
    {
        var plugin = "untraced-" + Guid.NewGuid().ToString("N")[..8];
        // Someone else's activity is current (as ASP.NET Core's per-request one at debug level), but nothing listens
        // to Cnm.Plugins, so the plugin call has no activity of its own.
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "other",
            Sample = (ref ActivityCreationOptions<ActivityContext> o) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        using var source = new ActivitySource("other");
        var (dir, server, client) = await StartAsync(plugin, s => s.Map("NetworkDriver.Good", PluginReply.Json("{\"Value\":1}")));
        using (dir)
        await using (server)
        using (client)
        {
            using (var activity = source.StartActivity("not a plugin call"))
            {
                Assert.NotNull(activity);
                Assert.Same(activity, Activity.Current);
                await CallAsync(client, "NetworkDriver.Good");
                var request = Assert.Single(server.Requests);
                Assert.False(request.Headers.ContainsKey("traceparent"), $"traceparent {request.Header("traceparent")}");
                Assert.False(request.Headers.ContainsKey("tracestate"), "tracestate");
            }
        }
    }
}
