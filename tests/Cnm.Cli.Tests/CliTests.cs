using System.Text.Json;
using Cnm.Testing;
using Xunit.Abstractions;

using static Cnm.Cli.Tests.CliOutput;

namespace Cnm.Cli.Tests;

/// <summary><c>cnm</c> as a real process against a real cnmd: outputs, exit codes and errors of every command.</summary>
public sealed class CliTests(CliFixture fixture, ITestOutputHelper output) : IClassFixture<CliFixture>
{
    private CnmCli Cnm => fixture.Cnm;

    private Task<CnmCli.Result> OkAsync(params string[] args) => fixture.OkAsync(args);

    private Task<CnmCli.Result> FailsAsync(int exitCode, params string[] args) => fixture.FailsAsync(exitCode, args);

    private async Task<JsonElement> InspectNetworkAsync(string network)
    {
        var inspect = Json((await OkAsync("network", "inspect", network)).Stdout);
        Assert.Equal(1, inspect.GetArrayLength());
        return inspect[0];
    }

    [Fact]
    public async Task NetworkCreate_EveryFlag_InspectShowsThem()
    {
        // A driver that uses the IPAM: on null and host networks these flags are refused (spec/controller.md).
        var create = await OkAsync("network", "create", "-d", MockDriver, "--ipam-driver", "default",
            "--subnet", "172.31.0.0/24", "--ip-range", "172.31.0.128/25", "--gateway", "172.31.0.1",
            "--aux-address", "host1=172.31.0.5", "-o", "com.example.x=1", "--ipam-opt", "ipo=1",
            "--label", "a=b", "--ipv6", "--subnet", "fd00:31::/64", "--internal", "--attachable", "cli-flags");
        var id = create.Stdout.Trim();
        Assert.Matches("^[0-9a-f]{64}$", id);

        var inspect = await InspectNetworkAsync("cli-flags");
        Assert.Equal(id, inspect.GetProperty("Id").GetString());
        Assert.Equal(MockDriver, inspect.GetProperty("Driver").GetString());
        Assert.True(inspect.GetProperty("EnableIPv6").GetBoolean());
        Assert.True(inspect.GetProperty("Internal").GetBoolean());
        Assert.True(inspect.GetProperty("Attachable").GetBoolean());
        var ipam = inspect.GetProperty("IPAM");
        Assert.Equal("default", ipam.GetProperty("Driver").GetString());
        Assert.Equal("1", ipam.GetProperty("Options").GetProperty("ipo").GetString());
        var configs = ipam.GetProperty("Config").EnumerateArray().ToList();
        Assert.Equal(["172.31.0.0/24", "fd00:31::/64"], configs.Select(c => c.GetProperty("Subnet").GetString()!).Order().ToArray());
        var v4 = configs.Single(c => c.GetProperty("Subnet").GetString() == "172.31.0.0/24");
        Assert.Equal("172.31.0.128/25", v4.GetProperty("IPRange").GetString());
        Assert.Equal("172.31.0.1", v4.GetProperty("Gateway").GetString());
        Assert.Equal("172.31.0.5", v4.GetProperty("AuxiliaryAddresses").GetProperty("host1").GetString());
        Assert.Equal("1", inspect.GetProperty("Options").GetProperty("com.example.x").GetString());
        Assert.Equal("b", inspect.GetProperty("Labels").GetProperty("a").GetString());

        await OkAsync("network", "rm", "cli-flags");
    }

    [Fact]
    public async Task NetworkCreate_FormatJson_PrintsTheApiAnswer()
    {
        var create = await OkAsync("network", "create", "--format", "json", "cli-json");
        var answer = Json(create.Stdout);
        Assert.Matches("^[0-9a-f]{64}$", answer.GetProperty("Id").GetString());
        Assert.Equal("", answer.GetProperty("Warning").GetString());
        Assert.Equal("cli-json\n", (await OkAsync("network", "rm", "cli-json")).Stdout);
    }

    [Fact]
    public async Task NetworkLs_TableAndJson_ListTheNetworks()
    {
        var id = (await OkAsync("network", "create", "-d", MockDriver, "cli-ls")).Stdout.Trim();

        var table = Lines((await OkAsync("network", "ls")).Stdout);
        Assert.Matches(@"^NETWORK ID\s+NAME\s+DRIVER\s+SCOPE\s+STATUS$", table[0]);
        Assert.Contains(table, l => System.Text.RegularExpressions.Regex.IsMatch(l, $@"^{id[..12]}\s+cli-ls\s+{MockDriver}\s+local\s+ready$"));

        var json = Json((await OkAsync("network", "ls", "--format", "json")).Stdout);
        Assert.Equal(JsonValueKind.Array, json.ValueKind);
        var entry = json.EnumerateArray().Single(n => n.GetProperty("Name").GetString() == "cli-ls");
        Assert.Equal(id, entry.GetProperty("Id").GetString());
        Assert.Equal(MockDriver, entry.GetProperty("Driver").GetString());

        await OkAsync("network", "rm", "cli-ls");
        Assert.DoesNotContain("cli-ls", (await OkAsync("network", "ls")).Stdout, StringComparison.Ordinal);
    }

    private const string MockDriver = CliFixture.MockPlugin;

    [Fact]
    public async Task NetworkLs_PluginGone_StatusWaitingForIt_InspectCarriesTheReason()
    {
        var socket = fixture.Temp.File("plugins", "gonep.sock");
        await using (var plugin = await PluginServer.StartUnixAsync(socket, s => s
            .Implements("NetworkDriver")
            .Map("NetworkDriver.GetCapabilities", PluginReply.Json("""{"Scope":"local"}"""))
            .Map("NetworkDriver.CreateNetwork", PluginReply.Json("{}"))))
        {
            await OkAsync("network", "create", "-d", "gonep", "cli-gone");
        }

        Assert.False(File.Exists(socket));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15); // the watcher notices the socket is gone
        string row;
        while (!(row = Lines((await OkAsync("network", "ls")).Stdout).Single(l => l.Contains(" cli-gone ", StringComparison.Ordinal))).EndsWith(" waiting for gonep", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, $"cli-gone never showed as waiting: {row}");
            await Task.Delay(50);
        }

        var status = Json((await OkAsync("network", "inspect", "cli-gone")).Stdout)[0].GetProperty("CnmStatus");
        Assert.Equal("waiting", status.GetProperty("State").GetString());
        Assert.StartsWith("waiting for plugin \"gonep\" (network driver): the plugin is gone (", status.GetProperty("Message").GetString(), StringComparison.Ordinal);
        var refused = await FailsAsync(1, "network", "rm", "cli-gone"); // the driver's DeleteNetwork cannot be sent
        Assert.StartsWith("cnm: network cli-gone is waiting for plugin \"gonep\" (network driver): the plugin is gone", refused.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NetworkInspect_Several_PrintsAJsonArray_UnknownFailsWithTheDaemonsMessage()
    {
        await OkAsync("network", "create", "cli-i1");
        await OkAsync("network", "create", "-d", MockDriver, "cli-i2"); // one null network at most (spec/controller.md, "One null and one host network")
        var both = Json((await OkAsync("network", "inspect", "cli-i1", "cli-i2", "--format", "json")).Stdout);
        Assert.Equal(["cli-i1", "cli-i2"], both.EnumerateArray().Select(n => n.GetProperty("Name").GetString()!).ToArray());

        var missing = await FailsAsync(1, "network", "inspect", "cli-nope");
        Assert.Equal("cnm: network cli-nope not found\n", missing.Error);
        var rmMissing = await FailsAsync(1, "network", "rm", "cli-nope");
        Assert.Equal("cnm: network cli-nope not found\n", rmMissing.Error);

        Assert.Equal("cli-i1\ncli-i2\n", (await OkAsync("network", "rm", "cli-i1", "cli-i2")).Stdout);
    }

    [Fact]
    public async Task NetworkCreate_DuplicateName_Exit1()
    {
        await OkAsync("network", "create", "cli-dup");
        var dup = await FailsAsync(1, "network", "create", "cli-dup");
        Assert.Equal("cnm: network with name cli-dup already exists\n", dup.Error);
        await OkAsync("network", "rm", "cli-dup");
    }

    [Fact]
    public async Task NetworkCreate_BadSubnet_Exit1WithTheDaemonsMessage()
    {
        var bad = await FailsAsync(1, "network", "create", "--subnet", "bogus", "cli-bad");
        Assert.StartsWith("cnm: ", bad.Error, StringComparison.Ordinal);
        Assert.Contains("invalid subnet \"bogus\"", bad.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("cli-bad", (await OkAsync("network", "ls")).Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("network")]
    [InlineData("network", "bogus")]
    [InlineData("network", "create")]
    [InlineData("network", "ls", "--format", "yaml")]
    [InlineData("network", "create", "-o", "novalue", "cli-usage")]
    [InlineData("network", "create", "--gateway", "10.0.0.1", "cli-usage")]
    [InlineData("sandbox", "create")]
    public async Task UsageErrors_Exit2(params string[] args)
    {
        var result = await FailsAsync(2, args);
        Assert.StartsWith("cnm: ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnreachableDaemon_Exit1()
    {
        var cli = new CnmCli(fixture.Temp.File("no-such.sock"));
        var result = await cli.RunAsync("network", "ls");
        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("cnm: cannot reach cnmd at unix://", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CnmHostEnvironment_IsUsedWithoutHostFlag()
    {
        var result = await Cnm.RunWithAsync(new Dictionary<string, string> { ["CNM_HOST"] = "unix://" + fixture.SocketPath }, "network", "ls");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith("NETWORK ID", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SandboxCreate_ExposeAndPublish_SentInDockerShapesAnsweredInWireShapes()
    {
        var created = Json((await OkAsync("sandbox", "create", "cafe09", "--name", "cli-ports", "--expose", "53/udp",
            "-p", "8080:80", "--publish", "127.0.0.1:9000-9002:80/tcp", "--format", "json")).Stdout);

        Assert.Equal("""[{"Proto":17,"Port":53},{"Proto":6,"Port":80}]""", System.Text.Json.JsonSerializer.Serialize(created.GetProperty("ExposedPorts")));
        Assert.Equal("""[{"Proto":6,"IP":"","Port":80,"HostIP":"","HostPort":8080,"HostPortEnd":8080},"""
            + """{"Proto":6,"IP":"","Port":80,"HostIP":"127.0.0.1","HostPort":9000,"HostPortEnd":9002}]""",
            System.Text.Json.JsonSerializer.Serialize(created.GetProperty("PortBindings")));
        var bad = await FailsAsync(1, "sandbox", "create", "cafe0a", "-p", "8080:80/tpc");
        Assert.Contains("invalid port \"80/tpc\"", bad.Error, StringComparison.Ordinal);
        await OkAsync("sandbox", "rm", "cli-ports");
    }

    [Fact]
    public async Task Sandbox_CreateLsInspectRm()
    {
        var id = (await OkAsync("sandbox", "create", "cafe01", "--name", "cli-sb")).Stdout.Trim();
        Assert.Matches("^[0-9a-f]{64}$", id);

        var table = Lines((await OkAsync("sandbox", "ls")).Stdout);
        Assert.Matches(@"^SANDBOX ID\s+NAME\s+CONTAINER ID\s+ENDPOINTS$", table[0]);
        Assert.Contains(table, l => System.Text.RegularExpressions.Regex.IsMatch(l, $@"^{id[..12]}\s+cli-sb\s+cafe01\s+0$"));
        var json = Json((await OkAsync("sandbox", "ls", "--format", "json")).Stdout);
        Assert.Contains(json.EnumerateArray(), s => s.GetProperty("Id").GetString() == id);

        var inspect = Json((await OkAsync("sandbox", "inspect", "cli-sb")).Stdout)[0];
        Assert.Equal(id, inspect.GetProperty("Id").GetString());
        Assert.Equal("cafe01", inspect.GetProperty("ContainerId").GetString());
        Assert.Equal("cli-sb", inspect.GetProperty("Name").GetString());

        var created = Json((await OkAsync("sandbox", "create", "cafe02", "--format", "json")).Stdout);
        Assert.Equal("cafe02", created.GetProperty("Name").GetString());

        Assert.Equal("cli-sb\ncafe02\n", (await OkAsync("sandbox", "rm", "cli-sb", "cafe02")).Stdout);
        var gone = await FailsAsync(1, "sandbox", "inspect", "cli-sb");
        Assert.StartsWith("cnm: ", gone.Error, StringComparison.Ordinal);
        output.WriteLine(gone.Stderr);
    }

    [Fact]
    public async Task NetworkConnectDisconnect_WithAddressAndAliases()
    {
        await OkAsync("network", "create", "--subnet", "172.29.0.0/24", "--ipv6", "--subnet", "fd00:29::/64", "-d", MockDriver, "cli-conn");
        await OkAsync("sandbox", "create", "beef01", "--name", "cli-conn-sb");

        var connect = await OkAsync("network", "connect", "--ip", "172.29.0.9", "--ip6", "fd00:29::9", "--alias", "db", "--alias", "pg", "cli-conn", "cli-conn-sb");
        Assert.Equal("", connect.Stdout);
        var container = (await InspectNetworkAsync("cli-conn")).GetProperty("Containers").GetProperty("beef01");
        Assert.Equal("cli-conn-sb", container.GetProperty("Name").GetString());
        Assert.Equal("172.29.0.9/24", container.GetProperty("IPv4Address").GetString());
        Assert.Equal("fd00:29::9/64", container.GetProperty("IPv6Address").GetString());
        Assert.Contains("1", Lines((await OkAsync("sandbox", "ls")).Stdout).Single(l => l.Contains("cli-conn-sb", StringComparison.Ordinal)), StringComparison.Ordinal);

        var inUse = await FailsAsync(1, "network", "rm", "cli-conn");
        Assert.Contains("has active endpoints", inUse.Error, StringComparison.Ordinal);

        await OkAsync("network", "disconnect", "-f", "cli-conn", "cli-conn-sb");
        Assert.Empty((await InspectNetworkAsync("cli-conn")).GetProperty("Containers").EnumerateObject());
        var again = await FailsAsync(1, "network", "disconnect", "cli-conn", "cli-nosuch");
        Assert.StartsWith("cnm: No such container: cli-nosuch", again.Error, StringComparison.Ordinal);

        await OkAsync("sandbox", "rm", "cli-conn-sb");
        await OkAsync("network", "rm", "cli-conn");
    }

    [Fact]
    public async Task PluginLs_ShowsTheMockPlugins()
    {
        var table = Lines((await OkAsync("plugin", "ls")).Stdout);
        Assert.Matches(@"^NAME\s+STATE\s+SCOPE\s+IMPLEMENTS\s+CALLS\s+ERRORS\s+ADDRESS$", table[0]);
        var json = Json((await OkAsync("plugin", "ls", "--format", "json")).Stdout);
        var names = json.EnumerateArray().Select(p => p.GetProperty("Name").GetString()).ToList();
        Assert.Contains(CliFixture.MockPlugin, names);
        Assert.Contains(table, l => l.StartsWith(CliFixture.MockPlugin + " ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SlowCall_PrintsOneProgressLineOnStderr()
    {
        var result = await OkAsync("network", "create", "-d", CliFixture.SlowPlugin, "cli-slow");
        Assert.Equal("still waiting for cnmd (network create)…\n", result.Stderr);
        Assert.Matches("^[0-9a-f]{64}$", result.Stdout.Trim());
        var fast = await OkAsync("network", "ls");
        if (fast.Elapsed < TimeSpan.FromSeconds(1))
        {
            // The whole process took under a second, so the call did too: no progress line is allowed.
            Assert.Equal("", fast.Stderr);
        }
        await OkAsync("network", "rm", "cli-slow");
    }

    /// <summary>Issue 4's acceptance path: a sandbox made with cnm, then the real docker CLI connects and disconnects it.</summary>
    [Fact]
    public async Task Acceptance_CnmSandbox_DockerCliConnectsAndDisconnects()
    {
        await OkAsync("network", "create", "-d", "null", "cli-accept");
        var sandboxId = (await OkAsync("sandbox", "create", "acce55", "--name", "cli-accept-sb")).Stdout.Trim();

        var connect = await fixture.Docker.RunAsync("network", "connect", "cli-accept", "cli-accept-sb");
        Assert.True(connect.ExitCode == 0, connect.ToString());
        var inspect = await InspectNetworkAsync("cli-accept");
        Assert.Equal("cli-accept-sb", inspect.GetProperty("Containers").GetProperty("acce55").GetProperty("Name").GetString());
        var sandbox = Json((await OkAsync("sandbox", "inspect", sandboxId)).Stdout)[0];
        Assert.Equal(1, sandbox.GetProperty("Endpoints").GetArrayLength());

        var disconnect = await fixture.Docker.RunAsync("network", "disconnect", "cli-accept", sandboxId[..12]);
        Assert.True(disconnect.ExitCode == 0, disconnect.ToString());
        Assert.Empty((await InspectNetworkAsync("cli-accept")).GetProperty("Containers").EnumerateObject());

        await OkAsync("sandbox", "rm", "cli-accept-sb");
        await OkAsync("network", "rm", "cli-accept");
    }

    [Fact]
    public async Task NetworkLs_WallTime_CnmVersusDockerCli()
    {
        await OkAsync("network", "create", "cli-timing");
        var cnm = new List<double>();
        var docker = new List<double>();
        for (var i = 0; i < 10; i++)
        {
            cnm.Add((await OkAsync("network", "ls")).Elapsed.TotalMilliseconds);
            var result = await fixture.Docker.RunAsync("network", "ls");
            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Contains("cli-timing", result.Stdout, StringComparison.Ordinal);
            docker.Add(result.Elapsed.TotalMilliseconds);
        }

        static double Median(List<double> values)
        {
            var sorted = values.Order().ToList();
            return (sorted[4] + sorted[5]) / 2;
        }

        output.WriteLine($"cnm network ls:    median {Median(cnm):F0} ms over 10 runs (min {cnm.Min():F0}, max {cnm.Max():F0})");
        output.WriteLine($"docker network ls: median {Median(docker):F0} ms over 10 runs (min {docker.Min():F0}, max {docker.Max():F0})");
        await OkAsync("network", "rm", "cli-timing");
    }
}
