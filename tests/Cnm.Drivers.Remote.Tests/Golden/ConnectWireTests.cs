using Cnm.Core.Model;
using Cnm.Protocol;
using Cnm.Testing;

namespace Cnm.Drivers.Remote.Tests.Golden;

/// <summary>
/// The exact bytes a plugin receives for connect, disconnect and sandbox delete (issue 9, points 2-4): the two port keys in
/// CreateEndpoint, Join and ProgramExternalConnectivity, Revoke on leave of an internal network's gateway endpoint, and the
/// per-endpoint Leave and DeleteEndpoint of a sandbox delete. Bodies are compared byte for byte (compact JSON, Go's trailing
/// newline); map-encoded <c>Options</c> keys are in Go's sorted order.
/// </summary>
public sealed class ConnectWireTests
{
    private const string Ports = "{\"com.docker.network.endpoint.exposedports\":[{\"Proto\":6,\"Port\":80}],"
        + "\"com.docker.network.portmap\":[{\"Proto\":6,\"IP\":\"\",\"Port\":80,\"HostIP\":\"\",\"HostPort\":8080,\"HostPortEnd\":8080}]}";

    private const string NoPorts = "{\"com.docker.network.endpoint.exposedports\":[],\"com.docker.network.portmap\":[]}";

    private const string NoAddress = "\"Interface\":{\"Address\":\"172.17.0.2/16\",\"AddressIPv6\":\"\",\"MacAddress\":\"\"}";

    /// <summary><c>{"NetworkID":"…","EndpointID":"…"</c> followed by <paramref name="rest"/> members, closed.</summary>
    private static string Ids(Network network, Endpoint endpoint, params string[] rest) =>
        "{" + string.Join(",", new[] { $"\"NetworkID\":\"{network.Id}\"", $"\"EndpointID\":\"{endpoint.Id}\"" }.Concat(rest)) + "}";

    private static string Key(Sandbox sandbox) => $"\"SandboxKey\":\"/run/test/netns/{sandbox.Id[..12]}\"";

    private static void Bytes(string method, string expected, PluginCall call)
    {
        Assert.Equal(method, call.Method);
        Assert.Equal(expected + "\n", call.Body);
    }

    private static Task<Sandbox> SandboxWithPortsAsync(RemoteHarness h, string container) =>
        h.Controller.CreateSandboxAsync(new SandboxCreateOptions
        {
            ContainerId = container,
            ExposedPorts = PortSpecs.Exposed(["80/tcp"], []),
            PortBindings = PortSpecs.Map([KeyValuePair.Create("80/tcp", (IReadOnlyList<(string?, string?)>)[("", "8080")])]),
        }, CancellationToken.None);

    [Fact]
    public async Task Connect_SandboxWithPublishedPort_CreateEndpointJoinAndProgramCarryBothPortKeys()
    {
        await using var h = await RemoteHarness.CreateAsync();
        var network = await h.NetworkAsync("n1");
        var sandbox = await SandboxWithPortsAsync(h, "c1");
        h.Plugin.ClearCalls();

        var endpoint = await h.Controller.ConnectAsync(network.Id, sandbox.Id, new EndpointCreateOptions { Name = "c1" }, CancellationToken.None);

        var calls = h.Plugin.Calls;
        Assert.Equal([PluginMethods.Network.CreateEndpoint, PluginMethods.Network.Join, PluginMethods.Network.ProgramExternalConnectivity],
            calls.Select(c => c.Method));
        Bytes(PluginMethods.Network.CreateEndpoint, Ids(network, endpoint, NoAddress, "\"Options\":" + Ports), calls[0]);
        Bytes(PluginMethods.Network.Join, Ids(network, endpoint, Key(sandbox), "\"Options\":" + Ports), calls[1]);
        Bytes(PluginMethods.Network.ProgramExternalConnectivity, Ids(network, endpoint, "\"Options\":" + Ports), calls[2]);
    }

    [Fact]
    public async Task Connect_SandboxWithoutPorts_CreateEndpointCarriesEmptyPortLists()
    {
        await using var h = await RemoteHarness.CreateAsync();
        var network = await h.NetworkAsync("n1");
        var sandbox = await h.SandboxAsync("c1");
        h.Plugin.ClearCalls();

        var endpoint = await h.Controller.ConnectAsync(network.Id, sandbox.Id, new EndpointCreateOptions { Name = "c1" }, CancellationToken.None);

        Bytes(PluginMethods.Network.CreateEndpoint, Ids(network, endpoint, NoAddress, "\"Options\":" + NoPorts), h.Plugin.Calls[0]);
    }

    [Fact]
    public async Task CreateEndpoint_NoSandboxOptionsNoPorts_SendsEmptyOptions()
    {
        await using var h = await RemoteHarness.CreateAsync();
        var network = await h.NetworkAsync("n1");
        h.Plugin.ClearCalls();

        var endpoint = await h.EndpointAsync(network, "e1");

        Bytes(PluginMethods.Network.CreateEndpoint, Ids(network, endpoint, NoAddress, "\"Options\":{}"), Assert.Single(h.Plugin.Calls));
    }

    [Fact]
    public async Task InternalNetwork_ConnectDisconnectThenSandboxDelete_RevokeOnEveryLeaveNeverProgram()
    {
        await using var h = await RemoteHarness.CreateAsync();
        var network = await h.NetworkAsync("n1", o => o with { Internal = true });
        var sandbox = await SandboxWithPortsAsync(h, "c1");
        h.Plugin.ClearCalls();

        var first = await h.Controller.ConnectAsync(network.Id, sandbox.Id, new EndpointCreateOptions { Name = "c1" }, CancellationToken.None);
        await h.Controller.DisconnectAsync(network.Id, sandbox.Id, force: false, CancellationToken.None);
        var second = await h.Controller.ConnectAsync(network.Id, sandbox.Id, new EndpointCreateOptions { Name = "c1" }, CancellationToken.None);
        await h.Controller.DeleteSandboxAsync(sandbox.Id, CancellationToken.None);

        var calls = h.Plugin.Calls;
        string[] cycle = [PluginMethods.Network.CreateEndpoint, PluginMethods.Network.Join,
            PluginMethods.Network.RevokeExternalConnectivity, PluginMethods.Network.Leave, PluginMethods.Network.DeleteEndpoint];
        Assert.Equal([.. cycle, .. cycle], calls.Select(c => c.Method));
        foreach (var (offset, endpoint) in new[] { (0, first), (5, second) })
        {
            var ids = Ids(network, endpoint);
            Bytes(PluginMethods.Network.Join, Ids(network, endpoint, Key(sandbox), "\"Options\":" + Ports), calls[offset + 1]);
            Bytes(PluginMethods.Network.RevokeExternalConnectivity, ids, calls[offset + 2]);
            Bytes(PluginMethods.Network.Leave, ids, calls[offset + 3]);
            Bytes(PluginMethods.Network.DeleteEndpoint, ids, calls[offset + 4]);
        }

        Assert.Empty(h.Controller.Endpoints);
        Assert.Empty(h.Controller.Sandboxes);
        h.AssertPluginAgrees();
    }

    [Fact]
    public async Task Connect_NonInternalAfterInternal_RevokesTheInternalEndpointThenProgramsTheNewOne()
    {
        await using var h = await RemoteHarness.CreateAsync();
        var inside = await h.NetworkAsync("inside", o => o with { Internal = true });
        var outside = await h.NetworkAsync("outside", o => o with { IPv4 = [new IpamConfig("10.70.0.0/24")] });
        var sandbox = await h.SandboxAsync("c1");
        var first = await h.Controller.ConnectAsync(inside.Id, sandbox.Id, new EndpointCreateOptions { Name = "c1" }, CancellationToken.None);
        h.Plugin.ClearCalls();

        var second = await h.Controller.ConnectAsync(outside.Id, sandbox.Id, new EndpointCreateOptions { Name = "c1" }, CancellationToken.None);

        var calls = h.Plugin.Calls;
        Assert.Equal([PluginMethods.Network.CreateEndpoint, PluginMethods.Network.Join, PluginMethods.Network.RevokeExternalConnectivity,
            PluginMethods.Network.ProgramExternalConnectivity], calls.Select(c => c.Method));
        Bytes(PluginMethods.Network.RevokeExternalConnectivity, Ids(inside, first), calls[2]);
        Bytes(PluginMethods.Network.ProgramExternalConnectivity, Ids(outside, second, "\"Options\":{}"), calls[3]);
        Assert.Equal(second.Id, h.Controller.GetSandbox(sandbox.Id).GatewayEndpointId);
    }

    [Fact]
    public async Task DeleteSandbox_PluginIpam_LeaveDeleteEndpointThenReleaseAddressAndTheAddressIsFree()
    {
        await using var h = await RemoteHarness.CreateAsync();
        var network = await h.PluginIpamNetworkAsync("n1");
        var sandbox = await h.SandboxAsync("c1");
        var endpoint = await h.Controller.ConnectAsync(network.Id, sandbox.Id, new EndpointCreateOptions { Name = "c1" }, CancellationToken.None);
        h.Plugin.ClearCalls();

        await h.Controller.DeleteSandboxAsync(sandbox.Id, CancellationToken.None);

        var ids = Ids(network, endpoint);
        var calls = h.Plugin.Calls;
        Assert.Equal([PluginMethods.Network.RevokeExternalConnectivity, PluginMethods.Network.Leave, PluginMethods.Network.DeleteEndpoint,
            PluginMethods.Ipam.ReleaseAddress], calls.Select(c => c.Method));
        Bytes(PluginMethods.Network.RevokeExternalConnectivity, ids, calls[0]);
        Bytes(PluginMethods.Network.Leave, ids, calls[1]);
        Bytes(PluginMethods.Network.DeleteEndpoint, ids, calls[2]);
        Bytes(PluginMethods.Ipam.ReleaseAddress, $"{{\"PoolID\":\"{network.IPv4Pools[0].PoolId}\",\"Address\":\"{endpoint.Address!.Value.Address}\"}}", calls[3]);
        Assert.Empty(h.Controller.Endpoints);
        h.AssertPluginAgrees(); // the plugin holds no address for the endpoint any more

        await h.Controller.DeleteNetworkAsync(network.Id, force: false, CancellationToken.None);
        Assert.Equal("", h.Snapshot());
    }
}
