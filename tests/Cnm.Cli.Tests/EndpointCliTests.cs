using System.Text.Json;
using System.Text.RegularExpressions;

using static Cnm.Cli.Tests.CliOutput;

namespace Cnm.Cli.Tests;

/// <summary><c>cnm endpoint …</c> as a real process against a real cnmd: outputs (table and json), errors and exit codes.</summary>
public sealed class EndpointCliTests(CliFixture fixture) : IClassFixture<CliFixture>
{
    private CnmCli Cnm => fixture.Cnm;

    private Task<CnmCli.Result> OkAsync(params string[] args) => fixture.OkAsync(args);

    private Task<CnmCli.Result> FailsAsync(int exitCode, params string[] args) => fixture.FailsAsync(exitCode, args);

    private async Task<JsonElement> InspectAsync(string endpoint)
    {
        var inspect = Json((await OkAsync("endpoint", "inspect", endpoint)).Stdout);
        Assert.Equal(1, inspect.GetArrayLength());
        return inspect[0];
    }

    [Fact]
    public async Task EndpointCreate_EveryFlag_PrintsTheId_InspectShowsThem()
    {
        await OkAsync("network", "create", "-d", CliFixture.MockPlugin, "--subnet", "10.232.1.0/24", "cli-ep1");
        var id = (await OkAsync("endpoint", "create", "--ip", "10.232.1.9", "--mac-address", "02:42:0a:e8:01:09",
            "-o", "com.example.k=v", "--alias", "www", "--alias", "web2", "cli-ep1", "web")).Stdout.Trim();
        Assert.Matches("^[0-9a-f]{64}$", id);

        var inspect = await InspectAsync("cli-ep1/web");
        Assert.Equal(id, inspect.GetProperty("Id").GetString());
        Assert.Equal("cli-ep1", inspect.GetProperty("Network").GetProperty("Name").GetString());
        Assert.Equal(CliFixture.MockPlugin, inspect.GetProperty("Driver").GetString());
        Assert.Equal("10.232.1.9/24", inspect.GetProperty("Interface").GetProperty("Address").GetString());
        Assert.Equal("02:42:0a:e8:01:09", inspect.GetProperty("Interface").GetProperty("MacAddress").GetString());
        Assert.Equal("v", inspect.GetProperty("Options").GetProperty("com.example.k").GetString());
        Assert.Equal(["www", "web2"], inspect.GetProperty("Aliases").EnumerateArray().Select(a => a.GetString()!).ToArray());
        Assert.Equal(JsonValueKind.Object, inspect.GetProperty("DriverInfo").ValueKind);

        var json = Json((await OkAsync("endpoint", "create", "--format", "json", "cli-ep1", "api")).Stdout);
        Assert.Equal("api", json.GetProperty("Name").GetString());
        Assert.StartsWith("10.232.1.", json.GetProperty("Interface").GetProperty("Address").GetString(), StringComparison.Ordinal);
        Assert.Equal("ready", json.GetProperty("State").GetString());

        var both = Json((await OkAsync("endpoint", "inspect", id[..12], "api")).Stdout);
        Assert.Equal(["web", "api"], both.EnumerateArray().Select(e => e.GetProperty("Name").GetString()!).ToArray());

        Assert.Equal("web\ncli-ep1/api\n", (await OkAsync("endpoint", "rm", "web", "cli-ep1/api")).Stdout);
        await OkAsync("network", "rm", "cli-ep1");
    }

    [Fact]
    public async Task EndpointLs_TableAndJson_FilterByNetworkAndSandbox()
    {
        await OkAsync("network", "create", "cli-ep2");
        await OkAsync("network", "create", "-d", CliFixture.MockPlugin, "--subnet", "10.232.2.0/24", "cli-ep3");
        var lone = (await OkAsync("endpoint", "create", "cli-ep2", "lone")).Stdout.Trim();
        var inbox = (await OkAsync("endpoint", "create", "--ip", "10.232.2.5", "cli-ep3", "inbox")).Stdout.Trim();
        await OkAsync("sandbox", "create", "cafe0e01", "--name", "cli-epbox");
        await OkAsync("endpoint", "join", "inbox", "cli-epbox");

        var table = Lines((await OkAsync("endpoint", "ls")).Stdout);
        Assert.Matches(@"^ENDPOINT ID\s+NAME\s+NETWORK\s+STATE\s+ADDRESS\s+SANDBOX$", table[0]);
        Assert.Contains(table, l => Regex.IsMatch(l, $@"^{lone[..12]}\s+lone\s+cli-ep2\s+ready\s+-\s+-$"));
        Assert.Contains(table, l => Regex.IsMatch(l, $@"^{inbox[..12]}\s+inbox\s+cli-ep3\s+ready\s+10\.232\.2\.5/24\s+cli-epbox$"));

        var byNetwork = Lines((await OkAsync("endpoint", "ls", "--network", "cli-ep2")).Stdout);
        Assert.Equal(2, byNetwork.Length);
        Assert.Contains("lone", byNetwork[1], StringComparison.Ordinal);

        var bySandbox = Json((await OkAsync("endpoint", "ls", "--sandbox", "cli-epbox", "--format", "json")).Stdout);
        var entry = Assert.Single(bySandbox.EnumerateArray());
        Assert.Equal(inbox, entry.GetProperty("Id").GetString());
        Assert.Equal("cli-epbox", entry.GetProperty("Sandbox").GetProperty("Name").GetString());

        Assert.Equal("[]", (await OkAsync("endpoint", "ls", "--network", "cli-ep2", "--sandbox", "cli-epbox", "--format", "json")).Stdout.Trim());
        var missing = await FailsAsync(1, "endpoint", "ls", "--network", "cli-nonet");
        Assert.Equal("cnm: network cli-nonet not found\n", missing.Error);

        await OkAsync("endpoint", "rm", "--force", "inbox", "lone");
        await OkAsync("sandbox", "rm", "cli-epbox");
    }

    [Fact]
    public async Task EndpointJoinLeave_TableIsSilent_JsonPrintsTheEndpoint_RepeatsFailWithExit1()
    {
        await OkAsync("network", "create", "-d", CliFixture.MockPlugin, "--subnet", "10.232.3.0/24", "cli-ep4");
        var id = (await OkAsync("endpoint", "create", "cli-ep4", "mover")).Stdout.Trim();
        var box = (await OkAsync("sandbox", "create", "cafe0e02", "--name", "cli-epbox2")).Stdout.Trim();

        Assert.Equal("", (await OkAsync("endpoint", "join", "mover", "cli-epbox2")).Stdout);
        var sandbox = Json((await OkAsync("sandbox", "inspect", "cli-epbox2")).Stdout)[0];
        Assert.Equal([id], sandbox.GetProperty("Endpoints").EnumerateArray().Select(e => e.GetString()!).ToArray());

        var again = await FailsAsync(1, "endpoint", "join", "mover", "cli-epbox2");
        Assert.Equal($"cnm: endpoint mover is already joined to sandbox {box[..12]}\n", again.Error);

        var left = Json((await OkAsync("endpoint", "leave", "--format", "json", "cli-ep4/mover")).Stdout);
        Assert.Equal(id, left.GetProperty("Id").GetString());
        Assert.False(left.TryGetProperty("Sandbox", out _));
        Assert.StartsWith("10.232.3.", left.GetProperty("Interface").GetProperty("Address").GetString(), StringComparison.Ordinal);

        var leaveAgain = await FailsAsync(1, "endpoint", "leave", "mover");
        Assert.Equal("cnm: endpoint mover is not joined to any sandbox\n", leaveAgain.Error);

        var joined = Json((await OkAsync("endpoint", "join", "--format", "json", id[..12], "cafe0e02")).Stdout);
        Assert.Equal(box, joined.GetProperty("Sandbox").GetProperty("Id").GetString());
        Assert.Equal("", (await OkAsync("endpoint", "leave", "mover")).Stdout);

        var noBox = await FailsAsync(1, "endpoint", "join", "mover", "cli-nobox");
        Assert.Equal("cnm: sandbox cli-nobox not found (no sandbox has that id, name or container id)\n", noBox.Error);

        await OkAsync("endpoint", "rm", "mover");
        await OkAsync("sandbox", "rm", "cli-epbox2");
    }

    [Fact]
    public async Task EndpointRm_Joined_RefusedWithExit1_ForceLeavesAndRemoves()
    {
        await OkAsync("network", "create", "-d", CliFixture.MockPlugin, "cli-ep5"); // one null network at most
        await OkAsync("endpoint", "create", "cli-ep5", "held");
        var box = (await OkAsync("sandbox", "create", "cafe0e03", "--name", "cli-epbox3")).Stdout.Trim();
        await OkAsync("endpoint", "join", "held", "cli-epbox3");

        var refused = await FailsAsync(1, "endpoint", "rm", "held");
        Assert.Equal($"cnm: endpoint held is joined to sandbox {box[..12]}; leave it first or force the delete\n", refused.Error);
        Assert.Equal("cli-epbox3", (await InspectAsync("held")).GetProperty("Sandbox").GetProperty("Name").GetString());

        Assert.Equal("held\n", (await OkAsync("endpoint", "rm", "-f", "held")).Stdout);
        var gone = await FailsAsync(1, "endpoint", "inspect", "held");
        Assert.Equal("cnm: endpoint held not found\n", gone.Error);
        Assert.Equal(0, Json((await OkAsync("sandbox", "inspect", "cli-epbox3")).Stdout)[0].GetProperty("Endpoints").GetArrayLength());

        await OkAsync("sandbox", "rm", "cli-epbox3");
        await OkAsync("network", "rm", "cli-ep5");
    }

    [Fact]
    public async Task EndpointCreate_DaemonRefusals_Exit1WithTheDaemonsMessage_NothingCreated()
    {
        await OkAsync("network", "create", "-d", CliFixture.MockPlugin, "--subnet", "10.232.4.0/24", "cli-ep6");
        await OkAsync("endpoint", "create", "cli-ep6", "dup");

        var duplicate = await FailsAsync(1, "endpoint", "create", "cli-ep6", "dup");
        Assert.Equal("cnm: endpoint with name dup already exists in network cli-ep6\n", duplicate.Error);
        var badIp = await FailsAsync(1, "endpoint", "create", "--ip", "10.232.4.300", "cli-ep6", "badip");
        Assert.Equal("cnm: endpoint badip: invalid IPv4 address \"10.232.4.300\"\n", badIp.Error);
        var outside = await FailsAsync(1, "endpoint", "create", "--ip", "10.9.9.9", "cli-ep6", "outside");
        Assert.Contains("does not belong to any of network cli-ep6's subnets", outside.Error, StringComparison.Ordinal);
        var badMac = await FailsAsync(1, "endpoint", "create", "--mac-address", "nope", "cli-ep6", "badmac");
        Assert.Contains("invalid MAC address \"nope\"", badMac.Error, StringComparison.Ordinal);
        var noNetwork = await FailsAsync(1, "endpoint", "create", "cli-nonet", "x");
        Assert.Equal("cnm: network cli-nonet not found\n", noNetwork.Error);

        var names = Json((await OkAsync("endpoint", "ls", "--network", "cli-ep6", "--format", "json")).Stdout)
            .EnumerateArray().Select(e => e.GetProperty("Name").GetString()!).ToArray();
        Assert.Equal(["dup"], names);

        var missing = await FailsAsync(1, "endpoint", "rm", "cli-nope");
        Assert.Equal("cnm: endpoint cli-nope not found\n", missing.Error);
        await OkAsync("endpoint", "rm", "dup");
        await OkAsync("network", "rm", "cli-ep6");
    }

    [Theory]
    [InlineData("endpoint")]
    [InlineData("endpoint", "bogus")]
    [InlineData("endpoint", "create", "onlynetwork")]
    [InlineData("endpoint", "create", "-o", "novalue", "net", "name")]
    [InlineData("endpoint", "ls", "--format", "yaml")]
    [InlineData("endpoint", "inspect")]
    [InlineData("endpoint", "rm")]
    [InlineData("endpoint", "join", "onlyendpoint")]
    [InlineData("endpoint", "leave")]
    public async Task EndpointUsageErrors_Exit2(params string[] args)
    {
        var result = await FailsAsync(2, args);
        Assert.StartsWith("cnm: ", result.Error, StringComparison.Ordinal);
    }
}
