using Cnm.Protocol;
using Cnm.Testing;

namespace Cnm.Plugins.Tests.Client;

public sealed class PluginClientErrorTests
{
    private const string Method = "NetworkDriver.Probe";

    public static TheoryData<string, PluginReply, ErrorCategory, string> NetworkFailures => new()
    {
        { "200 with Err", PluginReply.Json("{\"Err\":\"subnet is taken\"}"), ErrorCategory.Internal, "subnet is taken" },
        { "500 with JSON Err", PluginReply.Json("{\"Err\":\"boom\"}", 500), ErrorCategory.Internal, "boom" },
        { "500 with lower-case err", PluginReply.Json("{\"err\":\"quiet boom\"}", 500), ErrorCategory.Internal, "quiet boom" },
        { "500 with text", PluginReply.Text("plain failure text", 500), ErrorCategory.Internal, "plain failure text" },
        { "500 with JSON lacking Err", PluginReply.Json("{\"Error\":\"x\"}", 500), ErrorCategory.Internal, "{\"Error\":\"x\"}" },
        { "500 empty", PluginReply.Empty(500), ErrorCategory.Internal, "HTTP 500 with an empty body" },
        { "200 empty body", PluginReply.Empty(), ErrorCategory.Internal, "empty body" },
        { "200 whitespace body", PluginReply.Json("  \n"), ErrorCategory.Internal, "empty body" },
        { "200 non-JSON", PluginReply.Text("hello", 200), ErrorCategory.Internal, "not valid JSON" },
        { "200 wrong JSON type", PluginReply.Json("{\"Value\":\"seven\"}"), ErrorCategory.Internal, "not valid JSON" },
        { "200 JSON array", PluginReply.Json("[1,2]"), ErrorCategory.Internal, "not valid JSON" },
        { "201 is not success", PluginReply.Json("{}", 201), ErrorCategory.Internal, "{}" },
        { "204 is not success", PluginReply.Empty(204), ErrorCategory.Internal, "HTTP 204" },
        { "400", PluginReply.Json("{\"Err\":\"bad subnet\"}", 400), ErrorCategory.InvalidParameter, "bad subnet" },
        { "403", PluginReply.Json("{\"Err\":\"no\"}", 403), ErrorCategory.Forbidden, "no" },
        { "409", PluginReply.Json("{\"Err\":\"exists\"}", 409), ErrorCategory.Conflict, "exists" },
        { "503", PluginReply.Text("busy", 503), ErrorCategory.Unavailable, "busy" },
        { "404", PluginReply.Text("404 page not found\n", 404), ErrorCategory.NotImplemented, "does not implement" },
    };

    [Theory]
    [MemberData(nameof(NetworkFailures))]
    public async Task CallAsync_FailingAnswer_ThrowsCategorisedErrorNamingPluginAndMethod(
        string scenario, PluginReply reply, ErrorCategory category, string reasonPart)
    {
        await using var f = await ClientFixture.StartAsync(s => s.Map(Method, reply));

        var error = await Assert.ThrowsAsync<PluginException>(() => f.CallNetAsync(Method));

        Assert.True(error.Category == category, $"{scenario}: expected {category}, got {error.Category}: {error.Message}");
        Assert.Equal("p", error.Plugin);
        Assert.Equal(Method, error.Method);
        Assert.Contains("plugin \"p\"", error.Message, StringComparison.Ordinal);
        Assert.Contains(Method, error.Message, StringComparison.Ordinal);
        Assert.Contains(reasonPart, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallAsync_UnknownMethod_IsNotImplementedWithStatus404()
    {
        await using var f = await ClientFixture.StartAsync(_ => { });

        var error = await Assert.ThrowsAsync<PluginException>(() => f.CallNetAsync("NetworkDriver.Nope"));

        Assert.Equal(ErrorCategory.NotImplemented, error.Category);
        Assert.Equal(404, error.StatusCode);
        Assert.Contains("404 page not found", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallAsync_IpamErrorField_Throws()
    {
        await using var f = await ClientFixture.StartAsync(s => s.Map("IpamDriver.RequestPool",
            PluginReply.Json("{\"PoolID\":\"\",\"Error\":\"pool exhausted\"}")));

        var error = await Assert.ThrowsAsync<PluginException>(() => f.Client.CallAsync("IpamDriver.RequestPool",
            new Ask("n"), TestJsonContext.Default.Ask, TestJsonContext.Default.IpamReply, default));

        Assert.Equal(ErrorCategory.Internal, error.Category);
        Assert.Contains("IpamDriver.RequestPool: pool exhausted", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallAsync_IpamReplyWithErrOnly_IsSuccessBecauseIpamUsesError()
    {
        // The IPAM envelope is "Error"; an "Err" key in a 200 IPAM answer is an unknown field.
        await using var f = await ClientFixture.StartAsync(s => s.Map("IpamDriver.RequestPool",
            PluginReply.Json("{\"PoolID\":\"p1\",\"Err\":\"ignored\"}")));

        var reply = await f.Client.CallAsync("IpamDriver.RequestPool", new Ask("n"), TestJsonContext.Default.Ask,
            TestJsonContext.Default.IpamReply, default);

        Assert.Equal("p1", reply.PoolID);
    }

    [Fact]
    public async Task CallAsync_CaseInsensitiveKeysAndNullBody_Decode()
    {
        await using var f = await ClientFixture.StartAsync(s => s
            .Map("NetworkDriver.A", PluginReply.Json("{\"value\":7,\"extra\":true}"))
            .Map("NetworkDriver.B", PluginReply.Json("null")));

        Assert.Equal(7, (await f.CallNetAsync("NetworkDriver.A")).Value);
        Assert.Equal(0, (await f.CallNetAsync("NetworkDriver.B")).Value);
    }

    [Fact]
    public async Task CallAsync_ResponseOverLimit_IsAnErrorNotOutOfMemory()
    {
        var big = "{\"Value\":1,\"Err\":\"" + new string('x', 64 * 1024) + "\"}";
        await using var f = await ClientFixture.StartAsync(s => s.Map(Method, PluginReply.Json(big)),
            new Plugins.Client.PluginClientOptions { MaxResponseBytes = 16 * 1024 });

        var error = await Assert.ThrowsAsync<PluginException>(() => f.CallNetAsync(Method));

        Assert.Equal(ErrorCategory.Internal, error.Category);
        Assert.Contains("larger than the limit of 16384 bytes", error.Message, StringComparison.Ordinal);
    }
}
