using System.Text;
using System.Text.Json;
using Cnm.Protocol.Network;

namespace Cnm.Protocol.Tests.Json;

/// <summary>
/// A number inside a free-form option value is a float64 in the reference, written back by Go's encoder.
/// Each expected text is what Go 1.19.8 wrote after decoding the given number into <c>interface{}</c>
/// (Debian golang-1.19-go, 2026-12-01).
/// </summary>
public class GoJsonNumberTests
{
    public static TheoryData<string, string> Numbers() => new()
    {
        { "0", "0" }, { "-0", "-0" }, { "1", "1" }, { "-1", "-1" }, { "1.0", "1" }, { "1.50", "1.5" },
        { "1e2", "100" }, { "1E2", "100" }, { "1e-7", "1e-7" }, { "0.000001", "0.000001" }, { "0.0000001", "1e-7" },
        { "123456789012345678", "123456789012345680" }, { "1e21", "1e+21" }, { "1e20", "100000000000000000000" },
        { "12345678901234567890123", "1.2345678901234568e+22" }, { "0.1", "0.1" }, { "3.14159", "3.14159" },
        { "-2.5e-10", "-2.5e-10" }, { "100000000000000000000", "100000000000000000000" },
        { "9007199254740993", "9007199254740992" }, { "999999999999999", "999999999999999" },
        { "1234567890123456", "1234567890123456" }, { "5e-324", "5e-324" },
        { "1.7976931348623157e308", "1.7976931348623157e+308" }, { "0.00001234", "0.00001234" }, { "-0.0", "-0" },
        { "2.5E+3", "2500" }, { "1e-06", "0.000001" }, { "123e-20", "1.23e-18" },
    };

    [Theory]
    [MemberData(nameof(Numbers))]
    public void SerializeBody_NumberInAnOptionValue_IsWrittenAsGoWritesItsFloat64(string given, string expected)
    {
        using var document = JsonDocument.Parse($$"""{"nested":{"n":[{{given}}]},"top":{{given}}}""");
        var options = document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());

        var body = Encoding.UTF8.GetString(GoJson.SerializeBody(new JoinRequest("n", "e", "k", options), PluginJsonContext.Default.JoinRequest));

        Assert.Equal($$$"""{"NetworkID":"n","EndpointID":"e","SandboxKey":"k","Options":{"nested":{"n":[{{{expected}}}]},"top":{{{expected}}}}}""" + "\n", body);
    }

    [Fact]
    public void SerializeBody_NumbersInPortLists_AreWrittenAsGiven()
    {
        // The port lists hold Go integers, not float64s: nothing is rewritten there.
        using var document = JsonDocument.Parse("""[{"Proto":6.0,"Port":80}]""");
        var options = new Dictionary<string, JsonElement> { [StructValuedOptions.ExposedPorts] = document.RootElement.Clone() };

        var body = Encoding.UTF8.GetString(GoJson.SerializeBody(new JoinRequest("n", "e", "k", options), PluginJsonContext.Default.JoinRequest));

        Assert.Contains("""[{"Proto":6.0,"Port":80}]""", body, StringComparison.Ordinal);
    }

    [Fact]
    public void SerializeBody_NumberTooBigForAFloat64_IsKeptAsGiven()
    {
        using var document = JsonDocument.Parse("1e400");
        var options = new Dictionary<string, JsonElement> { ["big"] = document.RootElement.Clone() };

        var body = Encoding.UTF8.GetString(GoJson.SerializeBody(new JoinRequest("n", "e", "k", options), PluginJsonContext.Default.JoinRequest));

        Assert.Contains("""{"big":1e400}""", body, StringComparison.Ordinal);
    }
}
