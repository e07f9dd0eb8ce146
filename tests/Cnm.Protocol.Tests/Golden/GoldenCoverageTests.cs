using Cnm.Testing;

namespace Cnm.Protocol.Tests.Golden;

public class GoldenCoverageTests
{
    private static readonly HashSet<string> EmptyBodyMethods =
    [
        PluginMethods.Activate,
        PluginMethods.Network.GetCapabilities,
        PluginMethods.Ipam.GetCapabilities,
        PluginMethods.Ipam.GetDefaultAddressSpaces,
    ];

    private static IEnumerable<string> EveryMethod() =>
        [PluginMethods.Activate, .. PluginMethods.Network.All, .. PluginMethods.Ipam.All];

    [Fact]
    public void ProtocolMessages_EveryMethod_HasRecords()
    {
        Assert.Equal(21, EveryMethod().Count());
        Assert.Equal(EveryMethod().Order(StringComparer.Ordinal),
            ProtocolMessages.All.Select(m => m.Method).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ProtocolMessages_EmptyBodyMethods_HaveNoRequestRecord()
    {
        foreach (var message in ProtocolMessages.All)
        {
            Assert.Equal(EmptyBodyMethods.Contains(message.Method), message.Request is null);
        }
    }

    [Fact]
    public void GoldenFiles_EveryMethod_HasResponseAndRequestUnlessBodyIsEmpty()
    {
        var missing = new List<string>();
        foreach (var method in EveryMethod())
        {
            if (!File.Exists(GoldenExamples.PathOf(method, "response")))
            {
                missing.Add($"{method}.response.json");
            }

            var hasRequest = File.Exists(GoldenExamples.PathOf(method, "request"));
            if (EmptyBodyMethods.Contains(method) == hasRequest)
            {
                missing.Add(hasRequest ? $"{method}.request.json should not exist (empty body)" : $"{method}.request.json");
            }
        }

        Assert.Empty(missing);
    }

    [Fact]
    public void GoldenFiles_Directory_HoldsNoStrayFiles()
    {
        var expected = EveryMethod()
            .SelectMany(m => EmptyBodyMethods.Contains(m)
                ? new[] { $"{m}.response.json" }
                : [$"{m}.request.json", $"{m}.response.json"])
            .Order(StringComparer.Ordinal);

        var actual = Directory.GetFiles(GoldenExamples.Directory).Select(Path.GetFileName).Order(StringComparer.Ordinal);

        Assert.Equal(expected, actual);
    }
}
