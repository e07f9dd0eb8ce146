using System.Diagnostics;
using Cnm.Plugins.Client;
using Cnm.Plugins.Discovery;
using Cnm.Protocol;
using Cnm.Protocol.Ipam;
using Cnm.Protocol.Network;
using Cnm.Testing;

namespace Cnm.Plugins.Testing.Tests;

public class MockPluginTests
{
    private static PluginJsonContext J => PluginJsonContext.Default;

    private static Task<CreateNetworkResponse> CreateNetworkAsync(PluginClient client, string id, CancellationToken ct = default) =>
        client.CallAsync(PluginMethods.Network.CreateNetwork, new CreateNetworkRequest(id, null, [], []),
            J.CreateNetworkRequest, J.CreateNetworkResponse, ct);

    [Fact]
    public async Task Fail_OneLine_ClientSeesTheMessage()
    {
        await using var plugin = await MockPlugin.Create().On(PluginMethods.Network.CreateNetwork).Fail("vlan taken").StartInMemoryAsync();
        using var client = plugin.CreateClient();

        var error = await Assert.ThrowsAsync<PluginException>(() => CreateNetworkAsync(client, "n1"));

        Assert.Contains("vlan taken", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fail_IpamMethod_WritesErrAndError()
    {
        using var temp = new TempDirectory("cnm-mock");
        await using var plugin = await MockPlugin.Create().On(PluginMethods.Ipam.RequestPool).Fail("no pool").StartUnixAsync(temp.File("m.sock"));
        using var http = UnixHttp(plugin.SocketPath!);

        using var response = await http.PostAsync("/IpamDriver.RequestPool", new StringContent("{}"));

        Assert.Equal(500, (int)response.StatusCode);
        Assert.Equal("{\"Err\":\"no pool\",\"Error\":\"no pool\"}\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Times_AppliesToThatManyCalls_ThenTheDefault()
    {
        await using var plugin = await MockPlugin.Create().On(PluginMethods.Network.CreateNetwork).Times(1).Fail("once").StartInMemoryAsync();
        using var client = plugin.CreateClient();

        await Assert.ThrowsAsync<PluginException>(() => CreateNetworkAsync(client, "n1"));
        await CreateNetworkAsync(client, "n1");

        plugin.AssertSequence(PluginMethods.Network.CreateNetwork, PluginMethods.Network.CreateNetwork);
    }

    [Fact]
    public async Task After_DelaysTheAnswer()
    {
        await using var plugin = await MockPlugin.Create().On(PluginMethods.Network.CreateNetwork)
            .After(TimeSpan.FromMilliseconds(300)).Default().StartInMemoryAsync();
        using var client = plugin.CreateClient();
        var watch = Stopwatch.StartNew();

        await CreateNetworkAsync(client, "n1");

        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(250), $"answered after {watch.Elapsed}");
    }

    [Fact]
    public async Task Hang_CallTimesOut()
    {
        await using var plugin = await MockPlugin.Create().On(PluginMethods.Network.CreateNetwork).Hang().StartInMemoryAsync();
        using var client = plugin.CreateClient(new PluginClientOptions { CallTimeout = TimeSpan.FromMilliseconds(500) });

        var error = await Assert.ThrowsAsync<PluginException>(() => CreateNetworkAsync(client, "n1"));

        Assert.Equal(ErrorCategory.Timeout, error.Category);
    }

    [Fact]
    public async Task Drop_OverTheSocket_CallFails()
    {
        using var temp = new TempDirectory("cnm-mock");
        await using var plugin = await MockPlugin.Create().On(PluginMethods.Network.CreateNetwork).Drop().StartUnixAsync(temp.File("d.sock"));
        using var client = plugin.CreateClient(new PluginClientOptions { ConnectRetryBudget = TimeSpan.Zero });

        await Assert.ThrowsAsync<PluginException>(() => CreateNetworkAsync(client, "n1"));

        plugin.AssertCalled(PluginMethods.Network.CreateNetwork); // never sent twice
    }

    [Fact]
    public async Task RequireMacAddress_CapabilitiesSayIt()
    {
        await using var plugin = await MockPlugin.Create().RequireMacAddress().StartInMemoryAsync();
        using var client = plugin.CreateClient();

        var capabilities = await client.CallAsync(PluginMethods.Ipam.GetCapabilities, J.IpamCapabilitiesResponse, CancellationToken.None);

        Assert.True(capabilities.RequiresMacAddress);
    }

    [Fact]
    public async Task DefaultScript_IpamAllocatesFreeAddressesAndReportsExhaustion()
    {
        await using var plugin = await MockPlugin.Create().StartInMemoryAsync();
        using var client = plugin.CreateClient();
        var pool = await client.CallAsync(PluginMethods.Ipam.RequestPool,
            new RequestPoolRequest(MockPlugin.LocalAddressSpace, "10.7.0.0/30", "", null, false),
            J.RequestPoolRequest, J.RequestPoolResponse, CancellationToken.None);

        var first = await RequestAddressAsync(client, pool.PoolId!, "");
        var second = await RequestAddressAsync(client, pool.PoolId!, "");
        var full = await Assert.ThrowsAsync<PluginException>(() => RequestAddressAsync(client, pool.PoolId!, ""));

        Assert.Equal("10.7.0.0/30", pool.Pool);
        Assert.Equal("10.7.0.1/30", first.Address);
        Assert.Equal("10.7.0.2/30", second.Address);
        Assert.Contains("no free address", full.Message, StringComparison.Ordinal);
        var unknown = await Assert.ThrowsAsync<PluginException>(() => RequestAddressAsync(client, "nope", ""));
        Assert.Contains("pool nope not found", unknown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Calls_RecordHeadersAndBytes_AndAssertionsExplainFailures()
    {
        await using var plugin = await MockPlugin.Create().StartInMemoryAsync();
        using var client = plugin.CreateClient();

        await client.CallAsync(PluginMethods.Activate, J.ActivateResponse, CancellationToken.None);
        await CreateNetworkAsync(client, "n1");

        var call = plugin.CallsTo(PluginMethods.Network.CreateNetwork).Single();
        Assert.Equal("{\"NetworkID\":\"n1\",\"Options\":null,\"IPv4Data\":[],\"IPv6Data\":[]}\n", call.BodyText);
        Assert.Equal(PluginMediaTypes.Accept, call.Header("Accept"));
        Assert.Equal("POST", call.HttpMethod);
        Assert.Equal(2, call.Sequence);
        plugin.AssertSequence(PluginMethods.Activate, PluginMethods.Network.CreateNetwork);
        plugin.AssertCalledInOrder(PluginMethods.Network.CreateNetwork);
        plugin.AssertNotCalled(PluginMethods.Network.Join);
        var wrong = Assert.Throws<MockAssertionException>(() => plugin.AssertSequence(PluginMethods.Network.Join));
        Assert.Contains("got Plugin.Activate, NetworkDriver.CreateNetwork", wrong.Message, StringComparison.Ordinal);
        Assert.Throws<MockAssertionException>(() => plugin.AssertCalledInOrder(PluginMethods.Network.CreateNetwork, PluginMethods.Activate));
    }

    [Fact]
    public async Task NetworkOnly_IpamPathsAnswer404()
    {
        await using var plugin = await MockPlugin.Create().NetworkOnly().StartInMemoryAsync();
        using var client = plugin.CreateClient();

        var activate = await client.CallAsync(PluginMethods.Activate, J.ActivateResponse, CancellationToken.None);
        var error = await Assert.ThrowsAsync<PluginException>(() =>
            client.CallAsync(PluginMethods.Ipam.GetCapabilities, J.IpamCapabilitiesResponse, CancellationToken.None));

        Assert.Equal([PluginInterfaces.NetworkDriver], activate.Implements);
        Assert.Equal(ErrorCategory.NotImplemented, error.Category); // how the client reports a 404
    }

    [Fact]
    public async Task StartWireMock_SpecFileIsFoundByDiscovery_AndRulesApply()
    {
        using var temp = new TempDirectory("cnm-mock");
        var specs = temp.File("specs");
        await using (var plugin = await MockPlugin.Create("wm").On(PluginMethods.Network.Join).Fail("no veth").StartWireMockAsync(specs))
        {
            var options = new PluginDiscoveryOptions { SocketDirectory = temp.File("sockets") };
            options.SpecDirectories.Clear();
            options.SpecDirectories.Add(specs);
            var spec = new PluginDiscovery(options).Find("wm");
            using var client = new PluginClient(spec);

            var activate = await client.CallAsync(PluginMethods.Activate, J.ActivateResponse, CancellationToken.None);
            var error = await Assert.ThrowsAsync<PluginException>(() => client.CallAsync(PluginMethods.Network.Join,
                new JoinRequest("n", "e", "/x", null), J.JoinRequest, J.JoinResponse, CancellationToken.None));

            Assert.Equal(2, activate.Implements!.Count);
            Assert.Contains("no veth", error.Message, StringComparison.Ordinal);
            Assert.Equal(PluginMediaTypes.Accept, plugin.CallsTo(PluginMethods.Activate).Single().Header("Accept"));
        }

        Assert.False(File.Exists(Path.Combine(specs, "wm.spec")));
    }

    private static Task<RequestAddressResponse> RequestAddressAsync(PluginClient client, string pool, string address) =>
        client.CallAsync(PluginMethods.Ipam.RequestAddress, new RequestAddressRequest(pool, address, null),
            J.RequestAddressRequest, J.RequestAddressResponse, CancellationToken.None);

    private static HttpClient UnixHttp(string path) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (_, ct) =>
        {
            var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix,
                System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
            await socket.ConnectAsync(new System.Net.Sockets.UnixDomainSocketEndPoint(path), ct);
            return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
        },
    })
    { BaseAddress = new Uri("http://plugin.moby.localhost/") };
}
