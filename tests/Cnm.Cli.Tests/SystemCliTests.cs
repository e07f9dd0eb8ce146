using System.Globalization;
using System.Text.RegularExpressions;

using static Cnm.Cli.Tests.CliOutput;

namespace Cnm.Cli.Tests;

/// <summary><c>cnm system df</c> as a real process against its own cnmd, whose store it reports.</summary>
public sealed class SystemCliTests(CliFixture fixture) : IClassFixture<CliFixture>
{
    private Task<CnmCli.Result> OkAsync(params string[] args) => fixture.OkAsync(args);

    [Fact]
    public async Task SystemDf_TableAndJson_FollowWhatIsStored()
    {
        var before = Json((await OkAsync("system", "df", "--format", "json")).Stdout);
        Assert.Equal(fixture.Temp.File("data", "cnm.db"), before.GetProperty("StateFile").GetString());
        Assert.Equal(0, before.GetProperty("Networks").GetInt32());

        await OkAsync("network", "create", "-d", CliFixture.MockPlugin, "--subnet", "10.207.0.0/24", "df-a");
        await OkAsync("network", "create", "-d", "null", "df-b");
        var after = Json((await OkAsync("system", "df", "--format", "json")).Stdout);
        Assert.Equal(2, after.GetProperty("Networks").GetInt32());
        Assert.Equal(0, after.GetProperty("Endpoints").GetInt32());
        Assert.Equal(1, after.GetProperty("IpamPools").GetInt32());
        Assert.Equal(0, after.GetProperty("Intents").GetInt32());
        Assert.Equal(0, after.GetProperty("PendingCalls").GetInt32());
        Assert.True(after.GetProperty("Revision").GetInt64() >= before.GetProperty("Revision").GetInt64() + 2, after.ToString());
        Assert.True(after.GetProperty("Size").GetInt64() > 0);

        var lines = Lines((await OkAsync("system", "df")).Stdout);
        Assert.Equal(2, lines.Length);
        Assert.Equal(["STATE FILE", "SIZE", "WAL", "REVISION", "KEYS", "NETWORKS", "ENDPOINTS", "SANDBOXES", "IPAM POOLS", "INTENTS", "PENDING CALLS"], Regex.Split(lines[0].Trim(), @"\s{3,}"));
        var row = Regex.Split(lines[1].Trim(), @"\s{3,}");
        Assert.Equal(fixture.Temp.File("data", "cnm.db"), row[0]);
        Assert.Matches(@"^\d+(\.\d+)?(B|kB|MB)$", row[1]);
        Assert.Equal(after.GetProperty("Revision").GetInt64().ToString(CultureInfo.InvariantCulture), row[3]);
        Assert.Equal(["2", "0", "0", "1", "0", "0"], row[5..]); // nothing in flight, nothing owed
    }
}
