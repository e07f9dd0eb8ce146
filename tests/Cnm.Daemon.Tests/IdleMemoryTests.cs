using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Cnm.Daemon.Tests;

/// <summary>
/// After a burst of API requests, once the API has been quiet for a period (5 s), cnmd gives the burst's garbage back
/// to the OS with one aggressive collection, once per burst, never while idle (spec/performance.md, "RSS after a burst").
/// </summary>
public sealed partial class IdleMemoryTests(DaemonFixture fixture) : IClassFixture<DaemonFixture>
{
    private const string Released = "the API went quiet after a burst";

    private int ReleaseCount() => Regex.Count(fixture.Daemon.Stdout + fixture.Daemon.Stderr, Released);

    [GeneratedRegex(@"resident (?<before>[0-9.]+) MB -> (?<after>[0-9.]+) MB \((?<live>[0-9.]+) MB live\)")]
    private static partial Regex Figures();

    private async Task WaitForReleasesAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (ReleaseCount() < count)
        {
            Assert.True(DateTime.UtcNow < deadline,
                $"cnmd did not log \"{Released}\" {count} time(s) within {timeout.TotalSeconds} s:\n{fixture.Daemon.Stderr}");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Burst_ThenQuiet_ReleasesOnce_AndNotAgainWhileIdle()
    {
        // The fixture's own start-up requests are a burst too: let its release (if any) happen first.
        await Task.Delay(TimeSpan.FromSeconds(11));
        var before = ReleaseCount();

        for (var i = 0; i < 20; i++)
        {
            using var created = await fixture.Http.PostAsync("/networks/create",
                new StringContent($$"""{"Name":"idle-{{i}}","Driver":"mockp"}""", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        for (var i = 0; i < 1500; i++)
        {
            _ = await fixture.Http.GetByteArrayAsync("/networks");
        }

        // One quiet period of 5 s, seen by a timer that ticks every 5 s: 10 s at most, 40 s allowed.
        await WaitForReleasesAsync(before + 1, TimeSpan.FromSeconds(40));
        var line = fixture.Daemon.Stdout.Split('\n').Concat(fixture.Daemon.Stderr.Split('\n')).Last(l => l.Contains(Released, StringComparison.Ordinal));
        var figures = Figures().Match(line);
        Assert.True(figures.Success, line);
        Assert.True(double.Parse(figures.Groups["live"].Value, CultureInfo.InvariantCulture) > 0, line);

        // Idle afterwards: two more periods pass without a second collection.
        await Task.Delay(TimeSpan.FromSeconds(12));
        Assert.Equal(before + 1, ReleaseCount());
    }
}
