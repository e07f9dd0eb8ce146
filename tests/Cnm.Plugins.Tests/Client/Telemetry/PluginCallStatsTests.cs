using Cnm.Plugins.Client;
using Cnm.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Cnm.Plugins.Tests.Client.Telemetry;

/// <summary>The per-method aggregates behind <c>GET /cnm/v1/plugins/{name}</c>, fed by real calls through the meter.</summary>
public sealed class PluginCallStatsTests
{
    private static string UniqueName(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    private static Task<NetReply> CallAsync(PluginClient client, string method) =>
        client.CallAsync(method, new Ask("n1"), TestJsonContext.Default.Ask, TestJsonContext.Default.NetReply, CancellationToken.None);

    [Fact]
    public async Task Methods_AfterRealCalls_MatchTheCallsMadeWithErrorsByCategory()
    {
        var plugin = UniqueName("stats");
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 4, 0, 0, TimeSpan.Zero));
        using var stats = new PluginCallStats(time);
        using var dir = new TempDirectory();
        await using var server = await PluginServer.StartUnixAsync(dir.File("p.sock"), s => s
            .Map("NetworkDriver.Good", PluginReply.Json("{\"Value\":1}"))
            .Map("NetworkDriver.Bad", PluginReply.Json("{\"Err\":\"boom\"}", 500))
            .Map("NetworkDriver.Slow", PluginReply.Json("{\"Value\":1}") with { Delay = TimeSpan.FromSeconds(60) }));
        using var client = new PluginClient(new PluginSpec(plugin, server.Address),
            new PluginClientOptions { CallTimeout = TimeSpan.FromSeconds(2) }); // generous for the good calls on a loaded machine

        for (var i = 0; i < 3; i++)
        {
            await CallAsync(client, "NetworkDriver.Good");
        }

        await Assert.ThrowsAsync<PluginException>(() => CallAsync(client, "NetworkDriver.Bad"));
        time.Advance(TimeSpan.FromMinutes(1));
        var timeout = await Assert.ThrowsAsync<PluginException>(() => CallAsync(client, "NetworkDriver.Slow"));
        Assert.Equal(Protocol.ErrorCategory.Timeout, timeout.Category);

        var methods = stats.Methods(plugin).ToDictionary(m => m.Method);
        Assert.Equal(["NetworkDriver.Bad", "NetworkDriver.Good", "NetworkDriver.Slow"], stats.Methods(plugin).Select(m => m.Method));

        var good = methods["NetworkDriver.Good"];
        Assert.Equal(3, good.Calls);
        Assert.Equal(0, good.Errors);
        Assert.Empty(good.ErrorsByCategory);
        Assert.Null(good.LastError);
        Assert.True(good.Max > TimeSpan.Zero && good.Max < TimeSpan.FromSeconds(10), $"max {good.Max}");
        Assert.InRange(good.Mean, TimeSpan.FromTicks(1), good.Max);
        Assert.InRange(good.P50, TimeSpan.FromTicks(1), good.Max);
        Assert.InRange(good.P99, good.P50, good.Max);

        var bad = methods["NetworkDriver.Bad"];
        Assert.Equal((1, 1), (bad.Calls, bad.Errors));
        Assert.Equal(1, bad.ErrorsByCategory["internal"]);
        Assert.Equal("internal", bad.LastError);
        Assert.Equal(new DateTimeOffset(2026, 11, 28, 4, 0, 0, TimeSpan.Zero), bad.LastErrorAt);

        var slow = methods["NetworkDriver.Slow"];
        Assert.Equal((1, 1), (slow.Calls, slow.Errors));
        Assert.Equal("timeout", slow.LastError);
        Assert.Equal(new DateTimeOffset(2026, 11, 28, 4, 1, 0, TimeSpan.Zero), slow.LastErrorAt);
        Assert.True(slow.Max >= TimeSpan.FromMilliseconds(1900), $"a timed-out call of 2 s recorded as {slow.Max}");
    }

    [Fact]
    public void Methods_UnknownPlugin_IsEmpty()
    {
        using var stats = new PluginCallStats();
        Assert.Empty(stats.Methods(UniqueName("never-called")));
    }

    [Fact]
    public async Task Dispose_StopsCounting()
    {
        var plugin = UniqueName("disposed");
        var stats = new PluginCallStats();
        using var dir = new TempDirectory();
        await using var server = await PluginServer.StartUnixAsync(dir.File("p.sock"), s => s.Map("NetworkDriver.Good", PluginReply.Json("{\"Value\":1}")));
        using var client = new PluginClient(new PluginSpec(plugin, server.Address));
        await CallAsync(client, "NetworkDriver.Good");
        Assert.Equal(1, Assert.Single(stats.Methods(plugin)).Calls);

        stats.Dispose();
        await CallAsync(client, "NetworkDriver.Good");

        Assert.Equal(1, Assert.Single(stats.Methods(plugin)).Calls);
    }
}
