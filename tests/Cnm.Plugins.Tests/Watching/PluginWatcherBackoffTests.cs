using Cnm.Plugins.Registry;
using Cnm.Plugins.Watching;
using Cnm.Protocol;
using Cnm.Testing;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace Cnm.Plugins.Tests.Watching;

/// <summary>Backoff of failed activations, on a fake clock: attempts must be spaced 1, 2, 4, 4 s apart, never in a busy loop.</summary>
public sealed class PluginWatcherBackoffTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Watcher_ActivationFailsFourTimes_RetriedWithExponentialCappedBackoff()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var fixture = new WatcherFixture(time: time, options: new PluginWatcherOptions
        {
            Debounce = TimeSpan.Zero,
            RescanInterval = TimeSpan.FromSeconds(3), // rescans in between must not bring retries forward
            ActivationRetryInitial = TimeSpan.FromSeconds(1),
            ActivationRetryMax = TimeSpan.FromSeconds(4),
        });
        var attempts = new List<DateTimeOffset>();
        await fixture.StartPluginAsync("flaky", s => s.Map(PluginMethods.Activate, _ =>
        {
            lock (attempts)
            {
                attempts.Add(time.GetUtcNow());
                return attempts.Count <= 4
                    ? PluginReply.Json("{\"Err\":\"starting\"}", 500)
                    : PluginReply.Json("{\"Implements\":[\"NetworkDriver\"]}");
            }
        }));
        var start = time.GetUtcNow();
        await fixture.StartAsync();

        // Fake time moves in 20 ms steps, with real pauses so the watcher and the plugin can act.
        while (time.GetUtcNow() - start < TimeSpan.FromSeconds(20) && fixture.Events.Events.Count == 0)
        {
            await Task.Delay(3);
            time.Advance(TimeSpan.FromMilliseconds(20));
        }

        List<double> gaps;
        lock (attempts)
        {
            gaps = [.. attempts.Zip(attempts.Skip(1), (a, b) => (b - a).TotalSeconds)];
        }

        output.WriteLine("gaps between attempts (fake s): " + string.Join(", ", gaps.Select(g => g.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture))));
        Assert.Equal(PluginEventKind.Activated, Assert.Single(fixture.Events.Events).Kind);
        Assert.Equal(4, gaps.Count);
        double[] expected = [1, 2, 4, 4];
        for (var i = 0; i < expected.Length; i++)
        {
            // Never early; late by at most a few steps of the fake clock (the attempt itself takes real time).
            Assert.InRange(gaps[i], expected[i] - 0.001, expected[i] + 0.5);
        }

        Assert.Equal(PluginState.Active, Assert.Single(fixture.Registry.Plugins).State);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(5, 16)]
    [InlineData(6, 30)]
    [InlineData(60, 30)]
    public void Delay_ConsecutiveFailures_DoublesUpToMax(int failures, int seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), RetryState.Delay(failures, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30)));
    }
}
