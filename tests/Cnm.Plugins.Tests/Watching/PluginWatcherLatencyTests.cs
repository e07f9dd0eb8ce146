using Cnm.Plugins.Discovery;
using Cnm.Plugins.Registry;
using Cnm.Plugins.Tests.Discovery;
using Cnm.Protocol;
using Cnm.Testing;
using Xunit.Abstractions;

namespace Cnm.Plugins.Tests.Watching;

/// <summary>
/// Measures the time from a socket or spec file appearing to the subscriber's callback. Runs alone
/// (no parallel tests) so the figures mean something; only a generous behavioural bound is asserted.
/// </summary>
[Collection(nameof(SerialLatencyTests))]
public sealed class PluginWatcherLatencyTests(ITestOutputHelper output)
{
    private const int Iterations = 20;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10); // a behavioural bound for a loaded machine; the figures are reported, not asserted

    [Fact]
    public async Task Watcher_SocketCreated_SubscriberCalledPromptly()
    {
        await using var fixture = new WatcherFixture();
        await fixture.StartAsync();
        var latencies = new List<TimeSpan>();

        // Iteration 0 is the cold start (JIT, first connection); it is reported but not counted.
        for (var i = 0; i <= Iterations; i++)
        {
            var name = $"s{i}";
            await fixture.StartPluginAsync(name);
            // The socket's ctime is when bind() created it: the moment the plugin appeared.
            var created = FromUnixNanoseconds(UnixFileStat.Stat(fixture.SocketPath(name))!.Value.ChangeTimeNs);
            var recorded = await fixture.Events.WaitForAsync(e => e.Name == name, Bound);
            latencies.Add(recorded.At - created);
        }

        Report("socket created -> Activated callback", latencies);
        Assert.All(latencies, l => Assert.True(l < Bound, $"{l.TotalMilliseconds} ms"));
    }

    [Fact]
    public async Task Watcher_SpecFileCreated_SubscriberCalledPromptly()
    {
        await using var fixture = new WatcherFixture();
        await using var server = await PluginServer.StartTcpAsync(s => s.Implements(PluginInterfaces.NetworkDriver));
        await fixture.StartAsync();
        var latencies = new List<TimeSpan>();

        for (var i = 0; i <= Iterations; i++)
        {
            var name = $"t{i}";
            var before = DateTimeOffset.UtcNow;
            PluginDirectories.Write(Path.Join(fixture.Dirs.Etc, name + ".spec"), server.Address.ToString());
            var recorded = await fixture.Events.WaitForAsync(e => e.Name == name, Bound);
            latencies.Add(recorded.At - before);
        }

        Report("spec file written -> Activated callback", latencies);
        Assert.All(latencies, l => Assert.True(l < Bound, $"{l.TotalMilliseconds} ms"));
        Assert.Equal(Iterations + 1, fixture.Events.Events.Count(e => e.Kind == PluginEventKind.Activated));
    }

    private void Report(string what, List<TimeSpan> all)
    {
        var latencies = all.Skip(1).ToList();
        var sorted = latencies.Select(l => l.TotalMilliseconds).Order().ToList();
        var median = (sorted[(sorted.Count - 1) / 2] + sorted[sorted.Count / 2]) / 2;
        var p95 = sorted[(int)Math.Ceiling(0.95 * sorted.Count) - 1];
        output.WriteLine($"LATENCY {what}: n={sorted.Count} median={median:0.0} ms p95={p95:0.0} ms max={sorted[^1]:0.0} ms min={sorted[0]:0.0} ms (cold first: {all[0].TotalMilliseconds:0.0} ms)");
        output.WriteLine("  all (ms): " + string.Join(" ", latencies.Select(l => l.TotalMilliseconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture))));
    }

    private static DateTimeOffset FromUnixNanoseconds(long nanoseconds) =>
        DateTimeOffset.UnixEpoch.AddTicks(nanoseconds / 100);
}
