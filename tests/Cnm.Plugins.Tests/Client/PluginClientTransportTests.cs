using System.Diagnostics;
using System.Net.Sockets;
using Cnm.Plugins.Client;
using Cnm.Protocol;
using Cnm.Testing;

namespace Cnm.Plugins.Tests.Client;

public sealed class PluginClientTransportTests
{
    private const string Method = "NetworkDriver.Probe";

    [Fact]
    public async Task CallAsync_Request_HasReferenceHeadersAndGoEncoderBody()
    {
        await using var f = await ClientFixture.StartAsync(s => s.Map(Method, PluginReply.Json("{}")));

        await f.CallNetAsync(Method);

        var request = Assert.Single(f.Server.Requests);
        Assert.Equal("POST", request.HttpMethod);
        Assert.Equal("/" + Method, request.Path);
        Assert.Equal(PluginMediaTypes.Accept, request.Header("Accept"));
        Assert.Equal("plugin.moby.localhost", request.Header("Host"));
        Assert.Null(request.Header("Content-Type"));
        Assert.Equal("Go-http-client/1.1", request.Header("User-Agent"));
        Assert.Equal("{\"NetworkID\":\"n1\",\"Blob\":null}\n", request.BodyText);
        Assert.Equal(request.Body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), request.Header("Content-Length"));
    }

    [Fact]
    public async Task CallAsync_NoArguments_SendsEmptyBodyWithContentLengthZero()
    {
        await using var f = await ClientFixture.StartAsync(s => s.Map(PluginMethods.Activate, PluginReply.Json("{\"Implements\":[\"NetworkDriver\"]}")));

        var manifest = await f.Client.CallAsync(PluginMethods.Activate, PluginJsonContext.Default.ActivateResponse, default);

        Assert.Equal(["NetworkDriver"], manifest.Implements);
        var request = Assert.Single(f.Server.Requests);
        Assert.Empty(request.Body);
        Assert.Equal("0", request.Header("Content-Length"));
    }

    [Theory]
    [InlineData("http")]
    [InlineData("tcp")]
    public async Task CallAsync_TcpAddress_UsesPlainHttpAndHostPort(string scheme)
    {
        await using var server = await PluginServer.StartTcpAsync(s => s.Map(Method, PluginReply.Json("{\"Value\":3}")));
        var address = new Uri($"{scheme}://127.0.0.1:{server.Address.Port}");
        using var client = new PluginClient(new PluginSpec("t", address));

        var reply = await client.CallAsync(Method, new Ask("n"), TestJsonContext.Default.Ask, TestJsonContext.Default.NetReply, default);

        Assert.Equal(3, reply.Value);
        Assert.Equal($"127.0.0.1:{server.Address.Port}", Assert.Single(server.Requests).Header("Host"));
    }

    [Fact]
    public async Task CallAsync_SocketFileWithNobodyListening_FailsAfterBudget()
    {
        using var dir = new TempDirectory();
        var path = dir.File("dead.sock");
        // Bound but never listening: the file exists and connecting is refused. (.NET removes the file
        // when the socket is disposed, so it stays open for the whole test.)
        using var bound = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        bound.Bind(new UnixDomainSocketEndPoint(path));

        using var client = new PluginClient(new PluginSpec("dead", new Uri("unix://" + path)),
            new PluginClientOptions { ConnectRetryBudget = TimeSpan.FromSeconds(2) });

        var watch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<PluginException>(() =>
            client.CallAsync(PluginMethods.Activate, PluginJsonContext.Default.ActivateResponse, default));
        watch.Stop();

        Assert.Equal(ErrorCategory.Unavailable, error.Category);
        Assert.Contains("cannot connect", error.Message, StringComparison.Ordinal);
        Assert.True(error.Message.Contains("3 attempts", StringComparison.Ordinal), error.Message); // at 0, 1 and 2 s
        Assert.True(error.Message.Contains("connection refused (the socket file exists but nothing is listening on it)", StringComparison.Ordinal), error.Message);
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(1.9), TimeSpan.FromSeconds(10)); // the 2 s budget, not the default 15 s
    }

    [Fact]
    public async Task CallAsync_ServerStartsListeningLate_IsReachedByRetry()
    {
        using var dir = new TempDirectory();
        var path = dir.File("late.sock");
        using var client = new PluginClient(new PluginSpec("late", new Uri("unix://" + path)));

        var call = client.CallAsync(PluginMethods.Activate, PluginJsonContext.Default.ActivateResponse, default);
        await Task.Delay(1500);
        await using var server = await PluginServer.StartUnixAsync(path, s => s.Implements("IpamDriver"));
        var manifest = await call.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["IpamDriver"], manifest.Implements);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task CallAsync_ServerClosesAfterReadingRequest_FailsAndRequestWasSentOnce()
    {
        await using var f = await ClientFixture.StartAsync(s => s.Map(Method, PluginReply.Closed()));
        var blob = new string('b', 100_000);

        var error = await Assert.ThrowsAsync<PluginException>(() => f.Client.CallAsync(Method, new Ask("n1", blob),
            TestJsonContext.Default.Ask, TestJsonContext.Default.NetReply, default));

        Assert.Equal(ErrorCategory.Unavailable, error.Category);
        Assert.Contains("not retried", error.Message, StringComparison.Ordinal);
        await Task.Delay(200); // let any (wrong) re-send arrive before counting
        var request = Assert.Single(f.Server.Requests);
        Assert.Contains(blob, request.BodyText, StringComparison.Ordinal);
        Assert.EndsWith("\n", request.BodyText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallAsync_ServerClosesReusedKeepAliveConnection_IsNotResentOnAnotherConnection()
    {
        // SocketsHttpHandler transparently re-sends requests that fail on a reused connection before any
        // response byte arrives, unless it has begun sending content. The client always sends a Content,
        // so a request the plugin read is never delivered twice.
        await using var f = await ClientFixture.StartAsync(s => s
            .Map("NetworkDriver.Warm", PluginReply.Json("{}"))
            .Map(Method, PluginReply.Closed()));
        await f.CallNetAsync("NetworkDriver.Warm");

        await Assert.ThrowsAsync<PluginException>(() => f.CallNetAsync(Method));

        await Task.Delay(200);
        Assert.Single(f.Server.RequestsFor(Method));
        Assert.Equal(1, f.Server.ConnectionCount);
    }

    [Fact]
    public async Task CallAsync_SlowPlugin_TimesOutLongBeforeThePluginAnswers()
    {
        await using var f = await ClientFixture.StartAsync(
            s => s.Map(Method, PluginReply.Json("{}") with { Delay = TimeSpan.FromSeconds(30) }),
            new PluginClientOptions { CallTimeout = TimeSpan.FromSeconds(1) });

        var watch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<PluginException>(() => f.CallNetAsync(Method));
        watch.Stop();

        Assert.Equal(ErrorCategory.Timeout, error.Category);
        Assert.Contains("within 1 s", error.Message, StringComparison.Ordinal);
        Assert.Contains(Method, error.Message, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}"); // the plugin answers after 30 s
    }

    [Fact]
    public async Task CallAsync_TimeoutSourceKeptBetweenCalls_EachCallGetsItsWholeTimeoutAndNoStaleCancel()
    {
        const string Slow = "NetworkDriver.Slow";
        await using var f = await ClientFixture.StartAsync(
            s => s.Map(Method, PluginReply.Json("{\"Value\":1}"))
                .Map(Slow, PluginReply.Json("{}") with { Delay = TimeSpan.FromSeconds(30) }),
            new PluginClientOptions { CallTimeout = TimeSpan.FromSeconds(1) });
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(1, (await f.CallNetAsync(Method)).Value);
        }

        // A call its caller cancels leaves a cancelled source, which the next call must not inherit.
        using (var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100)))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => f.CallNetAsync(Slow, cts.Token));
        }

        Assert.Equal(1, (await f.CallNetAsync(Method)).Value);
        await Task.Delay(1500); // past the first calls' timeouts: a timer left armed would have fired by now
        Assert.Equal(1, (await f.CallNetAsync(Method)).Value);

        // A slow call after the reused ones still gets its whole second, then a timeout.
        var watch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<PluginException>(() => f.CallNetAsync(Slow));
        watch.Stop();
        Assert.Equal(ErrorCategory.Timeout, error.Category);
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(900), $"timed out after {watch.Elapsed}, before its 1 s");
        Assert.Equal(1, (await f.CallNetAsync(Method)).Value);
    }

    [Fact]
    public async Task CallAsync_CallerCancels_ThrowsOperationCanceledNotTimeout()
    {
        await using var f = await ClientFixture.StartAsync(
            s => s.Map(Method, PluginReply.Json("{}") with { Delay = TimeSpan.FromSeconds(5) }));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => f.CallNetAsync(Method, cts.Token));
    }

    [Fact]
    public async Task CallAsync_TimeoutCoversConnectRetries()
    {
        using var dir = new TempDirectory();
        using var client = new PluginClient(new PluginSpec("gone", new Uri("unix://" + dir.File("none.sock"))),
            new PluginClientOptions { CallTimeout = TimeSpan.FromMilliseconds(1500), ConnectRetryBudget = TimeSpan.FromSeconds(15) });

        var watch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<PluginException>(() =>
            client.CallAsync(PluginMethods.Activate, PluginJsonContext.Default.ActivateResponse, default));

        Assert.Equal(ErrorCategory.Timeout, error.Category);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}"); // not the 15 s retry budget
    }

    [Fact]
    public async Task CallAsync_200ParallelCalls_AllSucceedOnReusedConnections()
    {
        await using var f = await ClientFixture.StartAsync(s => s.Map(Method, (r, _) =>
            Task.FromResult(PluginReply.Json("{\"Value\":1}") with { Delay = TimeSpan.FromMilliseconds(5) })));

        var replies = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => f.CallNetAsync(Method)));

        Assert.All(replies, r => Assert.Equal(1, r.Value));
        Assert.Equal(200, f.Server.RequestsFor(Method).Count);
        Assert.InRange(f.Server.ConnectionCount, 1, new PluginClientOptions().MaxConnectionsPerPlugin);
    }

    [Fact]
    public void Constructor_UnixPathTooLong_IsInvalidParameter()
    {
        var path = "/tmp/" + new string('x', 120) + ".sock";

        var error = Assert.Throws<PluginException>(() => new PluginClient(new PluginSpec("long", new Uri("unix://" + path))));

        Assert.Equal(ErrorCategory.InvalidParameter, error.Category);
        Assert.Contains("too long", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_UnknownScheme_IsInvalidParameter()
    {
        var error = Assert.Throws<PluginException>(() => new PluginClient(new PluginSpec("x", new Uri("ftp://127.0.0.1/"))));

        Assert.Equal(ErrorCategory.InvalidParameter, error.Category);
        Assert.Contains("ftp", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallAsync_MissingSocketFile_SaysSoAfterBudget()
    {
        using var dir = new TempDirectory();
        using var client = new PluginClient(new PluginSpec("gone", new Uri("unix://" + dir.File("gone.sock"))),
            new PluginClientOptions { ConnectRetryBudget = TimeSpan.Zero });

        var error = await Assert.ThrowsAsync<PluginException>(() =>
            client.CallAsync(PluginMethods.Activate, PluginJsonContext.Default.ActivateResponse, default));

        Assert.Equal(ErrorCategory.Unavailable, error.Category);
        Assert.True(error.Message.Contains("the socket file does not exist (1 attempt in", StringComparison.Ordinal), error.Message);
    }
}
