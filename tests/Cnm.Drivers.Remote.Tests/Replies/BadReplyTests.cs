using System.Text.Json.Nodes;
using Cnm.Core.Errors;
using Cnm.Protocol;
using Cnm.Testing;

namespace Cnm.Drivers.Remote.Tests.Replies;

/// <summary>
/// Replies a plugin must not give: each is rejected with an error naming the plugin, rolled back on the
/// wire (DeleteEndpoint, Leave, ReleasePool), and leaves nothing behind (docs/decisions.md, "CreateEndpoint
/// reply", "endpoint and join rollback").
/// </summary>
public sealed class BadReplyTests
{
    [Fact]
    public async Task CreateEndpoint_ReplyChangesPresetAddress_FailsForbiddenAndDeletesTheEndpoint()
    {
        await using var h = await RemoteHarness.CreateAsync();
        var network = await h.PluginIpamNetworkAsync("n1");
        h.Plugin.Rewrite(PluginMethods.Network.CreateEndpoint,
            _ => """{"Interface":{"Address":"10.200.0.99/24","AddressIPv6":"","MacAddress":""}}""");
        var before = h.FullSnapshot();
        h.Plugin.ClearCalls();

        var error = await Assert.ThrowsAsync<CnmException>(() => h.EndpointAsync(network, "e1"));

        Assert.Equal(ErrorCategory.Forbidden, error.Category);
        Assert.Contains("plugin \"rec\" NetworkDriver.CreateEndpoint", error.Message, StringComparison.Ordinal);
        Assert.Contains("10.200.0.99/24", error.Message, StringComparison.Ordinal);
        Assert.Contains("rolled back", error.Message, StringComparison.Ordinal);
        Assert.Equal(
            [PluginMethods.Ipam.RequestAddress, PluginMethods.Network.CreateEndpoint, PluginMethods.Network.DeleteEndpoint, PluginMethods.Ipam.ReleaseAddress],
            h.Plugin.Methods);
        Assert.Equal(h.Plugin.Calls[1].Text("EndpointID"), h.Plugin.Calls[2].Text("EndpointID"));
        Assert.Equal(before, h.FullSnapshot());
        h.AssertPluginAgrees();
    }

    [Fact]
    public async Task CreateEndpoint_ReplyChangesPresetMac_FailsForbiddenAndDeletesTheEndpoint()
    {
        await using var h = await RemoteHarness.CreateAsync();
        var network = await h.NetworkAsync("n1");
        h.Plugin.Rewrite(PluginMethods.Network.CreateEndpoint,
            _ => """{"Interface":{"Address":"","AddressIPv6":"","MacAddress":"02:42:00:00:00:99"}}""");
        var before = h.FullSnapshot();
        h.Plugin.ClearCalls();

        var error = await Assert.ThrowsAsync<CnmException>(() => h.EndpointAsync(network, "e1", mac: "02:42:00:00:00:01"));

        Assert.Equal(ErrorCategory.Forbidden, error.Category);
        Assert.Contains("plugin \"rec\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("02:42:00:00:00:99", error.Message, StringComparison.Ordinal);
        Assert.Equal([PluginMethods.Network.CreateEndpoint, PluginMethods.Network.DeleteEndpoint], h.Plugin.Methods);
        Assert.Equal(before, h.FullSnapshot());
    }

    [Fact]
    public async Task CreateEndpoint_ReplyAddressUnparsable_FailsAndDeletesTheEndpoint()
    {
        await using var h = await RemoteHarness.CreateAsync();
        var network = await h.NetworkAsync("n1");
        h.Plugin.Rewrite(PluginMethods.Network.CreateEndpoint, _ => """{"Interface":{"Address":"garbage","AddressIPv6":"","MacAddress":""}}""");
        var before = h.FullSnapshot();
        h.Plugin.ClearCalls();

        var error = await Assert.ThrowsAsync<CnmException>(() => h.EndpointAsync(network, "e1"));

        Assert.Equal(ErrorCategory.InvalidParameter, error.Category);
        Assert.Contains("plugin \"rec\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("\"garbage\"", error.Message, StringComparison.Ordinal);
        Assert.Equal([PluginMethods.Network.CreateEndpoint, PluginMethods.Network.DeleteEndpoint], h.Plugin.Methods);
        Assert.Equal(before, h.FullSnapshot());
    }

    [Fact]
    public async Task CreateEndpoint_ReplyFillsEmptyMac_IsAccepted()
    {
        await using var h = await RemoteHarness.CreateAsync();
        var network = await h.NetworkAsync("n1");
        h.Plugin.Rewrite(PluginMethods.Network.CreateEndpoint,
            _ => """{"Interface":{"Address":"","AddressIPv6":"","MacAddress":"02:42:00:00:00:77"}}""");

        var endpoint = await h.EndpointAsync(network, "e1");

        Assert.Equal("024200000077", endpoint.MacAddress?.ToString());
        Assert.Equal("172.17.0.2/16", endpoint.Address.ToString());
        Assert.Empty(h.Plugin.CallsTo(PluginMethods.Network.DeleteEndpoint));
    }

    [Fact]
    public async Task Join_ReplyGatewayIsCidr_FailsAndSendsLeave()
    {
        await using var h = await RemoteHarness.CreateAsync(p =>
            p.JoinReply = _ => """{"InterfaceName":{"SrcName":"veth-x","DstPrefix":"eth"},"Gateway":"10.0.0.1/24"}""");
        var network = await h.PluginIpamNetworkAsync("n1");
        var endpoint = await h.EndpointAsync(network, "e1");
        var sandbox = await h.SandboxAsync("c1");
        var before = h.FullSnapshot();
        h.Plugin.ClearCalls();

        var error = await Assert.ThrowsAsync<CnmException>(() => h.Controller.JoinAsync(endpoint.Id, sandbox.Id, CancellationToken.None));

        Assert.Equal(ErrorCategory.InvalidParameter, error.Category);
        Assert.Contains("plugin \"rec\" NetworkDriver.Join", error.Message, StringComparison.Ordinal);
        Assert.Contains("unable to parse Gateway \"10.0.0.1/24\"", error.Message, StringComparison.Ordinal);
        Assert.Equal([PluginMethods.Network.Join, PluginMethods.Network.Leave], h.Plugin.Methods);
        Assert.Empty(h.Plugin.JoinedEndpoints);
        Assert.Empty(h.SandboxProvider.InterfacesOf(sandbox.Key));
        Assert.Equal(before, h.FullSnapshot());
        h.AssertPluginAgrees();
    }

    [Fact]
    public async Task Join_ReplyStaticRouteUnparsable_FailsAndSendsLeave()
    {
        await using var h = await RemoteHarness.CreateAsync(p =>
            p.JoinReply = _ => """{"StaticRoutes":[{"Destination":"10.9.0.0/16","RouteType":0,"NextHop":"not-an-ip"}]}""");
        var network = await h.NetworkAsync("n1");
        var endpoint = await h.EndpointAsync(network, "e1");
        var sandbox = await h.SandboxAsync("c1");
        var before = h.FullSnapshot();
        h.Plugin.ClearCalls();

        var error = await Assert.ThrowsAsync<CnmException>(() => h.Controller.JoinAsync(endpoint.Id, sandbox.Id, CancellationToken.None));

        Assert.Contains("not-an-ip", error.Message, StringComparison.Ordinal);
        Assert.Equal([PluginMethods.Network.Join, PluginMethods.Network.Leave], h.Plugin.Methods);
        Assert.Equal(before, h.FullSnapshot());
    }

    [Fact]
    public async Task Join_ReplyWithRoutesAndIPv6Gateway_IsRecordedOnTheEndpoint()
    {
        await using var h = await RemoteHarness.CreateAsync(p => p.JoinReply = _ => """
            {"InterfaceName":{"SrcName":"tap0","DstPrefix":"net","DstName":"ignored"},"Gateway":"172.17.0.1","GatewayIPv6":"fd00:1::1",
             "StaticRoutes":[{"Destination":"10.9.0.0/16","RouteType":0,"NextHop":"172.17.0.254"},{"Destination":"10.8.0.0/16","RouteType":1}],
             "DisableGatewayService":true}
            """);
        var network = await h.NetworkAsync("n1");
        var endpoint = await h.EndpointAsync(network, "e1");
        var sandbox = await h.SandboxAsync("c1");
        h.Plugin.ClearCalls();

        var joined = await h.Controller.JoinAsync(endpoint.Id, sandbox.Id, CancellationToken.None);

        var join = joined.Join!;
        Assert.Equal(("tap0", "net"), (join.SrcName, join.DstPrefix));
        Assert.Equal("fd00:1::1", join.GatewayIPv6?.ToString());
        Assert.Equal(["10.9.0.0/16 NextHop 172.17.0.254", "10.8.0.0/16 Connected "],
            join.StaticRoutes.Select(r => $"{r.Destination} {r.Type} {r.NextHop}"));
        Assert.True(join.DisableGatewayService);
        // Excluded from the gateway choice, so no external connectivity is programmed.
        Assert.Equal([PluginMethods.Network.Join], h.Plugin.Methods);
        Assert.Null(h.Controller.GetSandbox(sandbox.Id).GatewayEndpointId);
    }

    [Fact]
    public async Task RequestPool_ReplyPoolUnparsable_FailsAndReleasesThePool()
    {
        await using var h = await RemoteHarness.CreateAsync();
        await h.Registry.GetAsync(RemoteHarness.PluginName, CancellationToken.None);
        h.Plugin.Rewrite(PluginMethods.Ipam.RequestPool, body =>
        {
            var reply = JsonNode.Parse(body)!;
            reply["Pool"] = "not-a-cidr";
            return reply.ToJsonString();
        });
        var before = h.FullSnapshot();
        h.Plugin.ClearCalls();

        var error = await Assert.ThrowsAsync<CnmException>(() => h.PluginIpamNetworkAsync("n1"));

        Assert.Equal(ErrorCategory.Internal, error.Category);
        Assert.Contains("plugin \"rec\" IpamDriver.RequestPool", error.Message, StringComparison.Ordinal);
        Assert.Contains("\"not-a-cidr\"", error.Message, StringComparison.Ordinal);
        Assert.Equal([PluginMethods.Ipam.RequestPool, PluginMethods.Ipam.ReleasePool], h.Plugin.Methods);
        JsonAssert.Equal("""{"PoolID":"RecordingLocal/10.200.0.0/24"}""", h.Plugin.Calls[1].Body);
        Assert.Empty(h.Plugin.Pools);
        Assert.Equal(before, h.FullSnapshot());
    }

    [Fact]
    public async Task RequestPool_ReplyDataGatewayUnparsable_FailsAndReleasesThePool()
    {
        await using var h = await RemoteHarness.CreateAsync();
        await h.Registry.GetAsync(RemoteHarness.PluginName, CancellationToken.None);
        h.Plugin.Rewrite(PluginMethods.Ipam.RequestPool, body =>
        {
            var reply = JsonNode.Parse(body)!;
            reply["Data"] = new JsonObject { ["com.docker.network.gateway"] = "10.200.0.1" }; // no mask
            return reply.ToJsonString();
        });
        var before = h.FullSnapshot();
        h.Plugin.ClearCalls();

        var error = await Assert.ThrowsAsync<CnmException>(() => h.PluginIpamNetworkAsync("n1"));

        Assert.Equal(ErrorCategory.InvalidParameter, error.Category);
        Assert.Contains("IPAM rec", error.Message, StringComparison.Ordinal);
        Assert.Contains("\"10.200.0.1\"", error.Message, StringComparison.Ordinal);
        Assert.Equal([PluginMethods.Ipam.RequestPool, PluginMethods.Ipam.ReleasePool], h.Plugin.Methods);
        Assert.Equal(before, h.FullSnapshot());
    }

    [Fact]
    public async Task RequestAddress_ReplyWithoutMask_FailsAndReleasesTheAddress()
    {
        await using var h = await RemoteHarness.CreateAsync();
        var network = await h.PluginIpamNetworkAsync("n1");
        h.Plugin.Rewrite(PluginMethods.Ipam.RequestAddress, _ => """{"Address":"10.200.0.2"}""");
        var before = h.FullSnapshot();
        h.Plugin.ClearCalls();

        var error = await Assert.ThrowsAsync<CnmException>(() => h.EndpointAsync(network, "e1"));

        Assert.Contains("plugin \"rec\" IpamDriver.RequestAddress", error.Message, StringComparison.Ordinal);
        Assert.Contains("\"10.200.0.2\"", error.Message, StringComparison.Ordinal);
        Assert.Equal([PluginMethods.Ipam.RequestAddress, PluginMethods.Ipam.ReleaseAddress], h.Plugin.Methods);
        JsonAssert.Equal("""{"PoolID":"RecordingLocal/10.200.0.0/24","Address":"10.200.0.2"}""", h.Plugin.Calls[1].Body);
        Assert.Equal(before, h.FullSnapshot());
    }

    [Fact]
    public async Task RequestAddress_GatewayReplyWithoutMask_FailsAndReleasesGatewayAndPool()
    {
        await using var h = await RemoteHarness.CreateAsync();
        await h.Registry.GetAsync(RemoteHarness.PluginName, CancellationToken.None);
        h.Plugin.Rewrite(PluginMethods.Ipam.RequestAddress, _ => """{"Address":"10.200.0.1"}""");
        var before = h.FullSnapshot();
        h.Plugin.ClearCalls();

        await Assert.ThrowsAsync<CnmException>(() => h.PluginIpamNetworkAsync("n1"));

        Assert.Equal([PluginMethods.Ipam.RequestPool, PluginMethods.Ipam.RequestAddress, PluginMethods.Ipam.ReleaseAddress, PluginMethods.Ipam.ReleasePool],
            h.Plugin.Methods);
        Assert.Equal(before, h.FullSnapshot());
    }

    [Fact]
    public async Task JoinAndLeave_ExternalConnectivityAnswers404_StillJoinAndLeave()
    {
        await using var h = await RemoteHarness.CreateAsync();
        h.Plugin.Answer(PluginMethods.Network.ProgramExternalConnectivity, PluginReply.Text("404 page not found\n", 404));
        h.Plugin.Answer(PluginMethods.Network.RevokeExternalConnectivity, PluginReply.Text("404 page not found\n", 404));
        var network = await h.NetworkAsync("n1");
        var endpoint = await h.EndpointAsync(network, "e1");
        var sandbox = await h.SandboxAsync("c1");
        h.Plugin.ClearCalls();

        var joined = await h.Controller.JoinAsync(endpoint.Id, sandbox.Id, CancellationToken.None);

        Assert.Equal(sandbox.Id, joined.SandboxId);
        Assert.Equal(endpoint.Id, h.Controller.GetSandbox(sandbox.Id).GatewayEndpointId);
        Assert.Equal([PluginMethods.Network.Join, PluginMethods.Network.ProgramExternalConnectivity], h.Plugin.Methods);

        h.Plugin.ClearCalls();
        var left = await h.Controller.LeaveAsync(endpoint.Id, CancellationToken.None);

        Assert.Null(left.SandboxId);
        Assert.Equal([PluginMethods.Network.RevokeExternalConnectivity, PluginMethods.Network.Leave], h.Plugin.Methods);
        Assert.Empty(h.Plugin.JoinedEndpoints);
    }

    [Fact]
    public async Task Join_ProgramExternalConnectivityAnswers500_FailsAndSendsLeave()
    {
        await using var h = await RemoteHarness.CreateAsync();
        h.Plugin.Answer(PluginMethods.Network.ProgramExternalConnectivity, PluginReply.Json("""{"Err":"no iptables"}""", 500));
        var network = await h.NetworkAsync("n1");
        var endpoint = await h.EndpointAsync(network, "e1");
        var sandbox = await h.SandboxAsync("c1");
        var before = h.FullSnapshot();
        h.Plugin.ClearCalls();

        var error = await Assert.ThrowsAsync<CnmException>(() => h.Controller.JoinAsync(endpoint.Id, sandbox.Id, CancellationToken.None));

        Assert.Contains("no iptables", error.Message, StringComparison.Ordinal);
        Assert.Contains("failed programming external connectivity", error.Message, StringComparison.Ordinal);
        Assert.Equal([PluginMethods.Network.Join, PluginMethods.Network.ProgramExternalConnectivity, PluginMethods.Network.Leave],
            h.Plugin.Methods);
        Assert.Equal(before, h.FullSnapshot());
    }
}
