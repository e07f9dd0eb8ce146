using System.Globalization;

namespace Cnm.Daemon.Tests;

/// <summary><c>docker network prune --filter until=…</c>: Unix timestamps, RFC 3339 dates and Go durations, as Docker reads them.</summary>
public sealed class PruneUntilTests(DaemonFixture fixture) : IClassFixture<DaemonFixture>
{
    [Fact]
    public async Task Prune_UntilUnixTimestamp_RemovesOnlyNetworksCreatedBefore()
    {
        var label = "until-ts-" + Guid.NewGuid().ToString("N")[..8];
        await CreateAsync("until-old", label);
        await Task.Delay(TimeSpan.FromMilliseconds(1100));
        var cut = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000m;
        await Task.Delay(TimeSpan.FromMilliseconds(1100));
        await CreateAsync("until-new", label);

        var prune = await fixture.Docker.RunAsync("network", "prune", "-f", "--filter", "until=" + cut.ToString(CultureInfo.InvariantCulture),
            "--filter", "label=" + label);
        Assert.True(prune.ExitCode == 0, prune.ToString());
        Assert.Contains("until-old", prune.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("until-new", prune.Stdout, StringComparison.Ordinal);
        Assert.Equal(["until-new"], await NamesAsync(label));
    }

    [Fact]
    public async Task Prune_UntilDurationOrRfc3339_KeepsNewerNetworks_RemovesOlder()
    {
        var label = "until-d-" + Guid.NewGuid().ToString("N")[..8];
        await CreateAsync("until-dur", label);

        foreach (var keep in new[] { "1h30m", "10m", DateTimeOffset.UtcNow.AddHours(-1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) })
        {
            var kept = await fixture.Docker.RunAsync("network", "prune", "-f", "--filter", "until=" + keep, "--filter", "label=" + label);
            Assert.True(kept.ExitCode == 0, kept.ToString());
            Assert.Equal(["until-dur"], await NamesAsync(label));
        }

        var future = DateTimeOffset.UtcNow.AddMinutes(5).ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture);
        var removed = await fixture.Docker.RunAsync("network", "prune", "-f", "--filter", "until=" + future, "--filter", "label=" + label);
        Assert.True(removed.ExitCode == 0, removed.ToString());
        Assert.Contains("until-dur", removed.Stdout, StringComparison.Ordinal);
        Assert.Empty(await NamesAsync(label));

        await CreateAsync("until-zero", label);
        var now = await fixture.Docker.RunAsync("network", "prune", "-f", "--filter", "until=0s", "--filter", "label=" + label);
        Assert.Contains("until-zero", now.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("10x")]
    [InlineData("2026-13-45")]
    public async Task Prune_BadUntil_400NamingTheValue_NothingRemoved(string value)
    {
        var label = "until-bad-" + Guid.NewGuid().ToString("N")[..8];
        await CreateAsync("until-bad-" + value.Replace(':', '-'), label);
        var filters = Uri.EscapeDataString("{\"until\":{\"" + value + "\":true}}");
        using var response = await fixture.Http.PostAsync($"/networks/prune?filters={filters}", null);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains($"invalid filter 'until={value}'", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var docker = await fixture.Docker.RunAsync("network", "prune", "-f", "--filter", "until=" + value);
        Assert.NotEqual(0, docker.ExitCode);
        Assert.Contains($"invalid filter 'until={value}'", docker.Stderr, StringComparison.Ordinal);
        Assert.Single(await NamesAsync(label));
    }

    [Theory]
    [InlineData("999999999999", "the time is after the year 9999")]
    [InlineData("99999999999999999999999999999999999.5", "the time is after the year 9999")]
    [InlineData("99999999999h", "the duration reaches beyond the years 0001 to 9999")]
    [InlineData("-99999999h", "the duration reaches beyond the years 0001 to 9999")]
    [InlineData("99999999999999999999999999999999h", "the duration reaches beyond the years 0001 to 9999")]
    [InlineData("0001-01-01T00:00:00", null)]
    public async Task Prune_UntilOutOfRange_400NamingTheFilter_Never500(string value, string? reason)
    {
        var label = "until-range-" + Guid.NewGuid().ToString("N")[..8];
        await CreateAsync("until-range-" + Guid.NewGuid().ToString("N")[..6], label);
        var filters = Uri.EscapeDataString("{\"until\":{\"" + value + "\":true},\"label\":{\"" + label + "\":true}}");
        using var response = await fixture.Http.PostAsync($"/networks/prune?filters={filters}", null);
        var body = await response.Content.ReadAsStringAsync();
        if (reason is null)
        {
            // Year 1 in local time: valid where the zone is UTC or west of it, a 400 (not a 500) east of it.
            Assert.True(response.StatusCode is System.Net.HttpStatusCode.OK or System.Net.HttpStatusCode.BadRequest, body);
            return;
        }

        Assert.True(response.StatusCode == System.Net.HttpStatusCode.BadRequest, body);
        Assert.Contains($"invalid filter 'until={value}': {reason}", body, StringComparison.Ordinal);
        Assert.Single(await NamesAsync(label));

        var docker = await fixture.Docker.RunAsync("network", "prune", "-f", "--filter", "until=" + value, "--filter", "label=" + label);
        Assert.NotEqual(0, docker.ExitCode);
        Assert.Contains($"invalid filter 'until={value}'", docker.Stderr, StringComparison.Ordinal);
        Assert.Single(await NamesAsync(label));
    }

    [Fact]
    public async Task Prune_LabelNot_KeepsNetworksWithTheLabel()
    {
        var label = "until-not-" + Guid.NewGuid().ToString("N")[..8];
        await CreateAsync("until-keep", label);
        var result = await fixture.Docker.RunAsync("network", "prune", "-f", "--filter", "label!=" + label);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain("until-keep", result.Stdout, StringComparison.Ordinal);
        Assert.Equal(["until-keep"], await NamesAsync(label));
    }

    private async Task CreateAsync(string name, string label)
    {
        var result = await fixture.Docker.RunAsync("network", "create", "-d", DaemonFixture.MockPlugin, "--label", label, name);
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    private async Task<string[]> NamesAsync(string label)
    {
        var result = await fixture.Docker.RunAsync("network", "ls", "--filter", "label=" + label, "--format", "{{.Name}}");
        return result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
