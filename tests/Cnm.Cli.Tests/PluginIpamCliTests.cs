using System.Text.Json;
using System.Text.RegularExpressions;

using static Cnm.Cli.Tests.CliOutput;

namespace Cnm.Cli.Tests;

/// <summary><c>cnm plugin ls|inspect</c> and <c>cnm ipam ls</c> as real processes against a real cnmd.</summary>
public sealed class PluginIpamCliTests(CliFixture fixture) : IClassFixture<CliFixture>
{
    private CnmCli Cnm => fixture.Cnm;

    private Task<CnmCli.Result> OkAsync(params string[] args) => fixture.OkAsync(args);

    private static string[] Cells(string line) => Regex.Split(line.Trim(), @"\s{3,}");

    [Fact]
    public async Task PluginInspect_AfterAFailedAndGoodCalls_TableAndJsonShowEachMethod()
    {
        await using var plugin = await PluginServer.StartUnixAsync(fixture.Temp.File("plugins", "clistat.sock"), s => s
            .Implements("NetworkDriver")
            .Map("NetworkDriver.GetCapabilities", PluginReply.Json("""{"Scope":"local"}"""))
            .Map("NetworkDriver.CreateNetwork", r => r.BodyText.Contains("10.203.", StringComparison.Ordinal)
                ? PluginReply.Json("""{"Err":"clistat refuses this pool"}""", 500)
                : PluginReply.Json("{}")));
        await OkAsync("network", "create", "-d", "clistat", "--ipam-driver", "null", "cli-stat-ok");
        var refused = await Cnm.RunAsync("network", "create", "-d", "clistat", "--subnet", "10.203.0.0/24", "cli-stat-bad");
        Assert.True(refused.ExitCode == 1, refused.ToString());
        Assert.Contains("clistat refuses this pool", refused.Error, StringComparison.Ordinal);

        var text = await OkAsync("plugin", "inspect", "clistat");
        var lines = Lines(text.Stdout);
        Assert.Equal("Name:        clistat", lines[0]);
        Assert.StartsWith("State:       active since ", lines[1], StringComparison.Ordinal);
        Assert.Contains("Scope:       local", lines);
        Assert.Contains($"Calls:       {plugin.Requests.Count} (1 failed)", lines);
        var header = Array.FindIndex(lines, l => l.StartsWith("METHOD", StringComparison.Ordinal));
        Assert.Equal(["METHOD", "CALLS", "ERRORS", "MEAN", "P99", "MAX", "LAST ERROR"], Cells(lines[header]));
        var rows = lines[(header + 1)..].Select(Cells).ToDictionary(c => c[0]);
        Assert.Equal(plugin.Requests.Select(r => r.ServiceMethod).Distinct().Order(StringComparer.Ordinal), rows.Keys.Order(StringComparer.Ordinal));
        var create = rows["NetworkDriver.CreateNetwork"];
        Assert.Equal("2", create[1]);
        Assert.Equal("1 (internal: 1)", create[2]);
        Assert.All(create[3..6], d => Assert.Matches(@"^\d+(\.\d+)? m?s$", d));
        Assert.StartsWith("internal at ", create[6], StringComparison.Ordinal);
        Assert.Equal(["1", "0"], rows["NetworkDriver.GetCapabilities"][1..3]);
        Assert.Equal("-", rows["NetworkDriver.GetCapabilities"][6]);

        var json = Json((await OkAsync("plugin", "inspect", "--format", "json", "clistat")).Stdout);
        var method = json.GetProperty("Methods").EnumerateArray().Single(m => m.GetProperty("Method").GetString() == "NetworkDriver.CreateNetwork");
        Assert.Equal(2, method.GetProperty("Calls").GetInt64());
        Assert.Equal(1, method.GetProperty("ErrorsByCategory").GetProperty("internal").GetInt64());

        var ls = Lines((await OkAsync("plugin", "ls")).Stdout).Select(Cells).Single(c => c[0] == "clistat");
        Assert.Equal(["clistat", "active", "local", "NetworkDriver", plugin.Requests.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), "1"], ls[..6]);
    }

    [Fact]
    public async Task PluginInspect_Unknown_FailsNamingThePlugin()
    {
        var result = await Cnm.RunAsync("plugin", "inspect", "nosuchplugin");
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal("", result.Stdout);
        Assert.StartsWith("cnm: plugin \"nosuchplugin\" not found", result.Error, StringComparison.Ordinal);

        var usage = await Cnm.RunAsync("plugin", "inspect");
        Assert.True(usage.ExitCode == 2, usage.ToString());
        Assert.Equal("", usage.Stdout);
    }

    [Fact]
    public async Task IpamLs_ShowsThePoolAndItsUsage_WhichGrowsOnConnect()
    {
        await OkAsync("network", "create", "-d", CliFixture.MockPlugin, "--subnet", "10.204.0.0/24", "--ip-range", "10.204.0.0/25",
            "--gateway", "10.204.0.1", "cli-pools");
        var pool = Json((await OkAsync("ipam", "ls", "--format", "json")).Stdout).EnumerateArray()
            .Single(p => p.GetProperty("Network").GetString() == "cli-pools");
        var used = pool.GetProperty("Usage").GetProperty("Used").GetUInt64();
        var total = pool.GetProperty("Usage").GetProperty("Total").GetUInt64();

        var table = Lines((await OkAsync("ipam", "ls")).Stdout);
        Assert.Equal(["DRIVER", "NETWORK", "POOL", "RANGE", "GATEWAY", "USED/TOTAL"], Cells(table[0]));
        Assert.Equal(["default", "cli-pools", "10.204.0.0/24", "10.204.0.0/25", "10.204.0.1", $"{used}/{total}"],
            table.Select(Cells).Single(c => c[1] == "cli-pools"));

        await OkAsync("sandbox", "create", "--name", "cli-pools-sb", "c0ffee0204");
        await OkAsync("network", "connect", "cli-pools", "cli-pools-sb");
        var after = Lines((await OkAsync("ipam", "ls")).Stdout).Select(Cells).Single(c => c[1] == "cli-pools");
        Assert.Equal($"{used + 1}/{total}", after[5]);

        await OkAsync("network", "disconnect", "cli-pools", "cli-pools-sb");
        await OkAsync("sandbox", "rm", "cli-pools-sb");
        await OkAsync("network", "rm", "cli-pools");
        Assert.DoesNotContain(Lines((await OkAsync("ipam", "ls")).Stdout), l => l.Contains("cli-pools", StringComparison.Ordinal));
    }
}
