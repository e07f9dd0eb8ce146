using System.Text;
using Cnm.Testing;

namespace Cnm.Protocol.Tests;

/// <summary>The byte-exact helper the golden sequence tests use: it must fail on order, escapes and framing.</summary>
public class WireAssertTests
{
    private static PluginCall Received(string body) => new(7, PluginMethods.Network.Leave, body) { Bytes = Encoding.UTF8.GetBytes(body) };

    [Fact]
    public void Body_ReadableExpectation_DropsWhitespaceBetweenTokensOnly()
    {
        Assert.Equal("{\"a b\":[1,2],\"c\":\" x \\\" y \"}\n", WireAssert.Body("""
            { "a b" : [ 1, 2 ],
              "c" : " x \" y " }
            """));
    }

    [Fact]
    public void Call_ExactBytes_Passes()
    {
        WireAssert.Call(PluginMethods.Network.Leave, """{ "NetworkID":"n", "EndpointID":"e" }""", Received("{\"NetworkID\":\"n\",\"EndpointID\":\"e\"}\n"));
    }

    [Theory]
    [InlineData("{\"EndpointID\":\"e\",\"NetworkID\":\"n\"}\n", "only the member order")]
    [InlineData("{\"NetworkID\":\"n\",\"EndpointID\":\"e\"}", "the trailing newline")]
    [InlineData("{\"NetworkID\":\"\\u006e\",\"EndpointID\":\"e\"}\n", "the escaping")]
    [InlineData("{\"NetworkID\":\"n\",\"EndpointID\":\"f\"}\n", "byte 31 on")]
    [InlineData("{\"NetworkID\":\"n\", \"EndpointID\":\"e\"}\n", "byte 17 on")]
    public void Call_AnyOtherBytes_FailsNamingTheDifference(string received, string named)
    {
        var error = Assert.Throws<WireAssertException>(() =>
            WireAssert.Call(PluginMethods.Network.Leave, """{"NetworkID":"n","EndpointID":"e"}""", Received(received)));

        Assert.Contains("call #7 NetworkDriver.Leave", error.Message, StringComparison.Ordinal);
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Calls_WrongMethodSequence_FailsListingBoth()
    {
        var calls = new[] { Received("{}\n") };

        var error = Assert.Throws<WireAssertException>(() => WireAssert.Calls(calls, (PluginMethods.Network.Join, "{}")));

        Assert.Contains("[NetworkDriver.Join]", error.Message, StringComparison.Ordinal);
        Assert.Contains("[NetworkDriver.Leave]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Calls_NullExpectation_MeansAnEmptyBody()
    {
        WireAssert.Calls([new PluginCall(0, PluginMethods.Activate, "")], (PluginMethods.Activate, null));
        Assert.Throws<WireAssertException>(() => WireAssert.Calls([Received("{}\n")], (PluginMethods.Network.Leave, null)));
    }
}
