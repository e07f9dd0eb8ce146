using System.Text;
using System.Text.Json;
using Cnm.Protocol.Ipam;

namespace Cnm.Protocol.Tests.Json;

/// <summary>
/// Strings are escaped byte for byte as Go's encoding/json (Go 1.21 and older, HTML-safe) escapes them.
/// The expected texts are Go's documented output: short forms for quote, backslash, newline, return and tab;
/// lower-case <c>\u00xx</c> for the other control characters and for &lt; &gt; &amp;; U+2028/U+2029 escaped;
/// everything else raw UTF-8; <c>\ufffd</c> for each invalid byte. Every expected text was checked against what
/// Go 1.19.8's json.Encoder writes for the same string (Debian golang-1.19-go, 2026-12-01).
/// </summary>
public class GoJsonEscapingTests
{
    private static PluginJsonContext Json => PluginJsonContext.Default;

    public static TheoryData<string, string> Strings() => new()
    {
        { "plain", "plain" },
        { "a+b<é", "a+b\\u003cé" },
        { "<>&'`+=", "\\u003c\\u003e\\u0026'`+=" },
        { "\"\\/", "\\\"\\\\/" },
        { "\n\r\t", "\\n\\r\\t" },
        { "\b\f\u0000\u0001\u001f", "\\u0008\\u000c\\u0000\\u0001\\u001f" },
        { "\u007f", "\u007f" },
        { "\u2028\u2029", "\\u2028\\u2029" },
        { "\u00e9\u4e2d\ufeff\uffff", "\u00e9\u4e2d\ufeff\uffff" },
        { "😀", "😀" },
    };

    [Theory]
    [MemberData(nameof(Strings))]
    public void SerializeBody_StringValue_EscapesAsGo(string value, string expected)
    {
        var body = GoJson.SerializeBody(new ReleasePoolRequest(value), Json.ReleasePoolRequest);

        Assert.Equal($$"""{"PoolID":"{{expected}}"}""" + "\n", Encoding.UTF8.GetString(body));
    }

    [Theory]
    [MemberData(nameof(Strings))]
    public void SerializeBody_MapKeyAndJsonElementValue_EscapeAsGo(string value, string expected)
    {
        // Keys go through the same escaping; a value parsed from JSON is unescaped and escaped again Go's way.
        var element = JsonSerializer.SerializeToElement(value, Json.String);
        var request = new Network.JoinRequest("n", "e", "k", new Dictionary<string, JsonElement> { [value] = element });

        var body = Encoding.UTF8.GetString(GoJson.SerializeBody(request, Json.JoinRequest));

        Assert.Equal($$$"""{"NetworkID":"n","EndpointID":"e","SandboxKey":"k","Options":{"{{{expected}}}":"{{{expected}}}"}}""" + "\n", body);
    }

    [Fact]
    public void SerializeBody_UnpairedSurrogates_BecomeReplacementEscapes()
    {
        // Go strings are UTF-8 and cannot hold one; Go writes \ufffd for what is not valid text.
        var value = new string(['x', (char)0xD800, 'y', (char)0xDC00, (char)0xD83D]);

        var body = GoJson.SerializeBody(new ReleasePoolRequest(value), Json.ReleasePoolRequest);

        Assert.Equal("""{"PoolID":"x\ufffdy\ufffd\ufffd"}""" + "\n", Encoding.UTF8.GetString(body));
    }

    [Fact]
    public void SerializeBody_EscapedSourceText_IsWrittenInGoForm()
    {
        // Upper-case and needless escapes in what a caller gave are normalised to what Go writes.
        var element = JsonDocument.Parse("\"\\u003C\\u00E9\\u002B\\/\"").RootElement;
        var request = new Network.JoinRequest("n", "e", "k", new Dictionary<string, JsonElement> { ["v"] = element });

        var body = Encoding.UTF8.GetString(GoJson.SerializeBody(request, Json.JoinRequest));

        Assert.Contains("\"Options\":{\"v\":\"\\u003cé+/\"}", body, StringComparison.Ordinal);
    }

    [Fact]
    public void Encoder_InvalidUtf8_EachByteBecomesReplacementEscape()
    {
        // E2 80 is a cut-off three-byte sequence; Go replaces each of its bytes, then writes 'A'.
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = GoJson.Encoder }))
        {
            writer.WriteStringValue([0xE2, 0x80, (byte)'A', 0xFF]);
        }

        Assert.Equal("\"\\ufffd\\ufffdA\\ufffd\"", Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    [Fact]
    public void Encoder_LongTextWithEscapesEverywhere_EscapesEachOne()
    {
        var value = string.Concat(Enumerable.Repeat("ab<é\n😀", 500));

        var body = Encoding.UTF8.GetString(GoJson.SerializeToUtf8Bytes(value, Json.String));

        Assert.Equal("\"" + string.Concat(Enumerable.Repeat("ab\\u003cé\\n😀", 500)) + "\"", body);
    }

    [Fact]
    public void SerializeBody_NonAsciiText_IsRawUtf8()
    {
        var body = GoJson.SerializeBody(new ReleasePoolRequest("é"), Json.ReleasePoolRequest);

        Assert.Equal("{\"PoolID\":\""u8.ToArray().Concat(new byte[] { 0xC3, 0xA9 }).Concat("\"}\n"u8.ToArray()), body);
    }
}
