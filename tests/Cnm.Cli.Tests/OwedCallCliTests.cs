using System.Text.RegularExpressions;
using Cnm.Testing;

using static Cnm.Cli.Tests.CliOutput;

namespace Cnm.Cli.Tests;

/// <summary>
/// Issue 10, §5: <c>cnm system df</c> shows each call owed to a driver, with its attempts and next attempt. The plugin
/// answers DeleteEndpoint with 503 (it cannot be reached, for now), so a forced endpoint delete leaves the call owed.
/// </summary>
public sealed class OwedCallCliTests
{
    [Fact]
    public async Task SystemDf_ForcedDeleteToUnreachablePlugin_ShowsTheOwedCallWithAttemptsAndNextAttempt()
    {
        using var temp = new TempDirectory("cnmcli");
        var plugins = temp.CreateDirectory("plugins");
        await using var plugin = await PluginServer.StartUnixAsync(Path.Combine(plugins, "busy.sock"), s => s
            .Implements("NetworkDriver")
            .Map("NetworkDriver.GetCapabilities", PluginReply.Json("""{"Scope":"local"}"""))
            .Map("NetworkDriver.CreateNetwork", PluginReply.Json("{}"))
            .Map("NetworkDriver.CreateEndpoint", PluginReply.Json("{}"))
            .Map("NetworkDriver.DeleteEndpoint", PluginReply.Json("""{"Err":"busy"}""", 503)));
        var socket = temp.File("cnmd.sock");
        using var daemon = DaemonProcess.Start(["--host", "unix://" + socket, "--group", "root", "--plugin-dir", plugins,
            "--spec-dir", temp.CreateDirectory("specs"), "--data-root", temp.File("data"), "--exec-root", temp.File("exec")]);
        await daemon.WaitReadyAsync();
        var cnm = new CnmCli(socket);
        var created = await cnm.RunAsync("network", "create", "-d", "busy", "--subnet", "10.208.0.0/24", "owed-net");
        Assert.True(created.ExitCode == 0, created.ToString());
        created = await cnm.RunAsync("endpoint", "create", "owed-net", "owed-ep");
        Assert.True(created.ExitCode == 0, created.ToString());

        var removed = await cnm.RunAsync("endpoint", "rm", "--force", "owed-net/owed-ep");
        Assert.True(removed.ExitCode == 0, removed.ToString());

        var json = Json((await cnm.RunAsync("system", "df", "--format", "json")).Stdout);
        var owed = Assert.Single(json.GetProperty("OwedCalls").EnumerateArray());
        Assert.Equal("busy", owed.GetProperty("Driver").GetString());
        Assert.Equal("DeleteEndpoint", owed.GetProperty("Method").GetString());
        Assert.True(owed.GetProperty("Attempts").GetInt32() >= 1, owed.ToString());
        Assert.True(owed.TryGetProperty("NextAttempt", out _));

        var table = (await cnm.RunAsync("system", "df")).Stdout;
        var lines = Lines(table);
        var header = Array.FindIndex(lines, l => l.StartsWith("OWED CALL", StringComparison.Ordinal));
        Assert.True(header > 0, table);
        Assert.Equal(["OWED CALL", "DRIVER", "ATTEMPTS", "NEXT ATTEMPT"], Regex.Split(lines[header].Trim(), @"\s{3,}"));
        var row = Regex.Split(lines[header + 1].Trim(), @"\s{3,}");
        Assert.StartsWith("DeleteEndpoint ", row[0], StringComparison.Ordinal);
        Assert.Equal("busy", row[1]);
        Assert.Matches(@"^\d+$", row[2]);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", row[3]);
    }
}
