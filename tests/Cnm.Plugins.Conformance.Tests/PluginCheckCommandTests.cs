using System.CommandLine;
using System.Text.Json;
using System.Xml.Linq;
using Cnm.Plugins.Conformance.CommandLine;
using Cnm.Plugins.Testing;
using Cnm.Protocol;
using Cnm.Testing;

namespace Cnm.Plugins.Conformance.Tests;

/// <summary>
/// The kit's command line (shared by <c>cnm plugin check</c> and <c>cnm-plugin-check</c>), in process: a plugin by
/// name or address, the table, JSON and JUnit reports, the progress lines, and the exit codes.
/// </summary>
public sealed class PluginCheckCommandTests
{
    [Fact]
    public async Task Invoke_MockPluginByName_ExitsZeroWithTableAndProgressLines()
    {
        using var temp = new TempDirectory("cnm-check");
        await using var plugin = await MockPlugin.Create("mockchk").StartUnixAsync(temp.File("plugins", "mockchk.sock"));

        var (exit, stdout, stderr) = await InvokeAsync("mockchk", "--plugin-dir", temp.File("plugins"), "--spec-dir", temp.CreateDirectory("specs"));

        Assert.True(exit == ConformanceCommand.Passed, stdout + stderr);
        Assert.Contains("PASS  activate", stdout, StringComparison.Ordinal);
        Assert.Contains("plugin mockchk at unix://" + temp.File("plugins", "mockchk.sock"), stdout, StringComparison.Ordinal);
        var progress = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(ConformanceKit.CheckIds.Select((id, i) => $"checking [{i + 1}/{ConformanceKit.CheckIds.Count}] {id}"), progress);
    }

    [Fact]
    public async Task Invoke_BrokenPluginJUnitAndJson_ExitsOneAndNamesTheFailedCheck()
    {
        using var temp = new TempDirectory("cnm-check");
        await using var plugin = await MockPlugin.Create("badscope").On(PluginMethods.Network.GetCapabilities).Answer("{\"Scope\":\"Local\"}")
            .StartUnixAsync(temp.File("badscope.sock"));
        var address = "unix://" + temp.File("badscope.sock");

        var junit = await InvokeAsync(address, "--output", "junit");
        plugin.ClearCalls();
        var json = await InvokeAsync(address, "-o", "json", "--prefix", "ABCDEF12");

        Assert.Equal(ConformanceCommand.Failed, junit.Exit);
        var suite = XDocument.Parse(junit.Stdout).Root!.Element("testsuite")!;
        Assert.Equal(ConformanceKit.CheckIds, suite.Elements("testcase").Select(t => t.Attribute("name")!.Value));
        Assert.NotNull(suite.Elements("testcase").Single(t => t.Attribute("name")!.Value == "network.capabilities").Element("failure"));
        Assert.Equal(ConformanceCommand.Failed, json.Exit);
        using var report = JsonDocument.Parse(json.Stdout);
        Assert.False(report.RootElement.GetProperty("passed").GetBoolean());
        Assert.Equal(["network.capabilities"], report.RootElement.GetProperty("checks").EnumerateArray()
            .Where(c => c.GetProperty("outcome").GetString() == "fail").Select(c => c.GetProperty("id").GetString()));
        Assert.NotEmpty(plugin.CallsTo(PluginMethods.Network.CreateNetwork));
        Assert.All(plugin.CallsTo(PluginMethods.Network.CreateNetwork).Where(c => c.BodyText.StartsWith("{\"NetworkID\":\"", StringComparison.Ordinal)),
            c => Assert.StartsWith("{\"NetworkID\":\"abcdef12", c.BodyText, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("no-such-plugin", "no-such-plugin")]
    [InlineData("ftp://example/x", "ftp://example/x")]
    [InlineData("bad name!", "bad name!")]
    [InlineData("unix:///nonexistent/cnm-check.sock", "no socket at /nonexistent/cnm-check.sock")]
    [InlineData("/nonexistent/cnm-check.sock", "no socket at /nonexistent/cnm-check.sock")]
    public async Task Invoke_UnusableTarget_ExitsTwoNamingIt(string target, string named)
    {
        using var temp = new TempDirectory("cnm-check");

        var (exit, stdout, stderr) = await InvokeAsync(target, "--plugin-dir", temp.CreateDirectory("plugins"), "--spec-dir", temp.CreateDirectory("specs"));

        Assert.Equal(ConformanceCommand.Unusable, exit);
        Assert.Empty(stdout);
        Assert.StartsWith("plugin check: ", stderr, StringComparison.Ordinal);
        Assert.Contains(named, stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--prefix", "xyz", "--prefix \"xyz\" must be 1 to 32 hex digits")]
    [InlineData("--timeout", "0", "--timeout 0 must be between 0 and 3600 seconds")]
    public async Task Invoke_BadOption_ExitsTwoWithTheReason(string option, string value, string message)
    {
        var (exit, _, stderr) = await InvokeAsync("unix:///nonexistent.sock", option, value);

        Assert.Equal(ConformanceCommand.Unusable, exit);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> InvokeAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await ConformanceCommand.CreateRoot().Parse(args).InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr });
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
