using Cnm.Testing;
using System.Text.Json;

namespace Cnm.Protocol.Tests.Golden;

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
    public void Record_GoldenExample_RoundTripsToSameJson(string method, string kind)
    {
        var message = ProtocolMessages.For(method);
        var typeInfo = kind == "request" ? message.Request! : message.Response;
        var golden = GoldenExamples.Read(method, kind);

        var record = JsonSerializer.Deserialize(golden, typeInfo);
        Assert.NotNull(record);
        Assert.IsType(typeInfo.Type, record);
        var written = JsonSerializer.Serialize(record, typeInfo);

        var difference = JsonStructure.FindDifference(golden, written);
        Assert.True(difference is null, $"{method}.{kind}: {difference}\nwritten: {written}");
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Record_GoldenExample_WritesCompactJson(string method, string kind)
    {
        var message = ProtocolMessages.For(method);
        var typeInfo = kind == "request" ? message.Request! : message.Response;
        var record = JsonSerializer.Deserialize(GoldenExamples.Read(method, kind), typeInfo);

        var written = JsonSerializer.Serialize(record, typeInfo);

        // Go's encoder writes compact JSON; so must we (the client adds the trailing newline).
        Assert.True(JsonStructure.IsCompact(written), written);
    }
}
