using System.Text;
using System.Text.Json;
using Cnm.Testing;

namespace Cnm.Protocol.Tests.Golden;

/// <summary>
/// Each golden file is the exact wire body: reading it into its record and writing that back with
/// <see cref="GoJson"/> gives the same bytes, so a wrong key order, a missing or extra member, or a
/// different escape fails here.
/// </summary>
public class GoldenRoundTripTests
{
    public static TheoryData<string, string> Examples()
    {
        var data = new TheoryData<string, string>();
        foreach (var message in ProtocolMessages.All)
        {
            if (message.Request is not null)
            {
                data.Add(message.Method, "request");
            }

            data.Add(message.Method, "response");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Record_GoldenExample_RoundTripsToSameBytes(string method, string kind)
    {
        var message = ProtocolMessages.For(method);
        var typeInfo = kind == "request" ? message.Request! : message.Response;
        var golden = GoldenExamples.ReadBytes(method, kind);

        var record = JsonSerializer.Deserialize(golden, typeInfo);
        Assert.NotNull(record);
        Assert.IsType(typeInfo.Type, record);
        var written = GoJson.SerializeBody(record, typeInfo);

        Assert.Equal(Encoding.UTF8.GetString(golden), Encoding.UTF8.GetString(written));
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Record_GoldenExampleWithMembersReversed_StillWritesTheGoldenBytes(string method, string kind)
    {
        // The order on the wire comes from the rules (declared order for records, sorted keys for maps),
        // not from the order the values were built in.
        var message = ProtocolMessages.For(method);
        var typeInfo = kind == "request" ? message.Request! : message.Response;
        var golden = GoldenExamples.Read(method, kind);

        var record = JsonSerializer.Deserialize(GoldenOrder.Scrambled(golden), typeInfo);
        var written = GoJson.SerializeBody(record, typeInfo);

        Assert.Equal(golden, Encoding.UTF8.GetString(written));
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void GoldenExample_File_IsCompactJsonAndOneNewline(string method, string kind)
    {
        var text = GoldenExamples.Read(method, kind);

        // Go's json.Encoder writes compact JSON and one newline; the files are kept in that form.
        Assert.EndsWith("}\n", text, StringComparison.Ordinal);
        Assert.True(JsonStructure.IsCompact(text[..^1]), $"{method}.{kind} is not compact: {text}");
    }
}
