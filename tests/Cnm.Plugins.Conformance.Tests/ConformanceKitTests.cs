using System.Text.Json;
using System.Xml.Linq;
using Cnm.Plugins.Testing;
using Cnm.Protocol;
using Cnm.Testing;

namespace Cnm.Plugins.Conformance.Tests;

public class ConformanceKitTests
{
    [Fact]
    public async Task RunAsync_MockPluginDefaultScript_PassesWithNoFailures()
    {
        await using var plugin = await MockPlugin.Create().StartInMemoryAsync();
        var progress = new List<string>();

        var report = await ConformanceKit.RunAsync(new PluginSpec("mock", plugin.Address),
            new ConformanceOptions { ConnectCallback = plugin.InMemory!.ConnectCallback }, new SyncProgress(progress.Add));

        Assert.True(report.Passed, report.ToTable());
        Assert.Equal(ConformanceKit.CheckIds.Count, report.Results.Count);
        Assert.DoesNotContain(report.Results, r => r.Outcome == CheckOutcome.Skip);
        Assert.Equal($"[1/{ConformanceKit.CheckIds.Count}] activate", progress[0]);
        var created = plugin.CallsTo(PluginMethods.Network.CreateNetwork).Where(c => IsJson(c.BodyText))
            .Select(c => JsonDocument.Parse(c.Body).RootElement).Where(b => b.ValueKind == JsonValueKind.Object)
            .Select(b => b.GetProperty("NetworkID").GetString()!).ToList();
        Assert.NotEmpty(created);
        Assert.All(created, id => Assert.StartsWith("c0ffee", id, StringComparison.Ordinal));
        // Everything it made is gone again: a second CreateEndpoint on each network would fail, a delete succeeds.
        Assert.True(plugin.CallsTo(PluginMethods.Network.DeleteNetwork).Count >= created.Distinct().Count());
        Assert.True(plugin.CallsTo(PluginMethods.Ipam.ReleasePool).Count >= plugin.CallsTo(PluginMethods.Ipam.RequestPool).Count);
    }

    public static TheoryData<string, string> BrokenPlugins() => new()
    {
        { "wrong field name", "activate" },
        { "Interface reply to a pre-set interface", "endpoint.preset-interface" },
        { "bad Scope", "network.capabilities" },
        { "Err with status 200 for a delete", "network.delete-idempotent" },
        { "a hang", "network.create-delete" },
        { "a 500 without a body", "errors.unknown-ids" },
        { "a crash on malformed JSON", "errors.malformed-body" },
    };

    [Theory]
    [MemberData(nameof(BrokenPlugins))]
    public async Task RunAsync_WireMockPluginBrokenOnPurpose_FailsTheRightCheck(string breakage, string check)
    {
        using var temp = new TempDirectory("cnm-conformance");
        var plugin = MockPlugin.Create("broken");
        Break(plugin, breakage);
        await using var _ = await plugin.StartWireMockAsync(temp.File("specs"));
        using (var warm = plugin.CreateClient()) // WireMock's first answer can take seconds while it warms up
        {
            await warm.CallAsync(PluginMethods.Network.GetCapabilities, PluginJsonContext.Default.NetworkCapabilitiesResponse,
                CancellationToken.None);
        }

        plugin.ClearCalls();

        var report = await ConformanceKit.RunAsync(new PluginSpec("broken", plugin.Address),
            new ConformanceOptions { CallTimeout = TimeSpan.FromSeconds(2) });

        Assert.False(report.Passed);
        var result = report[check];
        Assert.True(result.Outcome == CheckOutcome.Fail, $"{check} did not fail:\n{report.ToTable()}");
        Assert.NotEmpty(result.Reason);
        Assert.NotEmpty(result.Hint);
    }

    [Fact]
    public async Task Report_TableJsonAndJUnit_DescribeTheSameRun()
    {
        await using var plugin = await MockPlugin.Create().On(PluginMethods.Network.GetCapabilities).Answer("{\"Scope\":\"Local\"}")
            .StartInMemoryAsync();

        var report = await ConformanceKit.RunAsync(new PluginSpec("mock", plugin.Address),
            new ConformanceOptions { ConnectCallback = plugin.InMemory!.ConnectCallback });

        Assert.Contains("FAIL  network.capabilities", report.ToTable(), StringComparison.Ordinal);
        using var json = JsonDocument.Parse(report.ToJson());
        Assert.False(json.RootElement.GetProperty("passed").GetBoolean());
        Assert.Equal("fail", json.RootElement.GetProperty("checks").EnumerateArray()
            .Single(c => c.GetProperty("id").GetString() == "network.capabilities").GetProperty("outcome").GetString());
        var junit = XDocument.Parse(report.ToJUnitXml());
        var suite = junit.Root!.Element("testsuite")!;
        Assert.Equal(report.Failures.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), suite.Attribute("failures")!.Value);
        Assert.NotNull(suite.Elements("testcase").Single(t => t.Attribute("name")!.Value == "network.capabilities").Element("failure"));
    }

    private static void Break(MockPlugin plugin, string breakage)
    {
        _ = breakage switch
        {
            "wrong field name" => plugin.On(PluginMethods.Activate).Answer("{\"Implementz\":[\"NetworkDriver\",\"IpamDriver\"]}"),
            "Interface reply to a pre-set interface" => plugin.On(PluginMethods.Network.CreateEndpoint)
                .Answer("{\"Interface\":{\"Address\":\"198.18.240.99/24\",\"AddressIPv6\":\"\",\"MacAddress\":\"\"}}"),
            "bad Scope" => plugin.On(PluginMethods.Network.GetCapabilities).Answer("{\"Scope\":\"Local\"}"),
            "Err with status 200 for a delete" => plugin.On(PluginMethods.Network.DeleteNetwork).Answer("{\"Err\":\"no such network\"}"),
            "a hang" => plugin.On(PluginMethods.Network.CreateNetwork).Hang(),
            "a 500 without a body" => plugin.On(PluginMethods.Network.CreateEndpoint).Status(500),
            "a crash on malformed JSON" => plugin.On(PluginMethods.Network.CreateNetwork).When(c => !IsJson(c.BodyText)).Drop(),
            _ => throw new ArgumentOutOfRangeException(nameof(breakage), breakage, null),
        };
    }

    private static bool IsJson(string text)
    {
        try
        {
            using var _ = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private sealed class SyncProgress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }
}
