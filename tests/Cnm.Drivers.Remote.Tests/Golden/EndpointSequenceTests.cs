using Cnm.Protocol;
using Cnm.Testing;

namespace Cnm.Drivers.Remote.Tests.Golden;

/// <summary>
/// Endpoint lifecycle on a <c>-d rec</c> network with the built-in IPAM: CreateEndpoint, Join then
/// ProgramExternalConnectivity, Revoke then Leave, DeleteEndpoint (docs/reference-host.md §3.5-3.10, 3.14).
/// </summary>
public sealed class EndpointSequenceTests
{
    private static readonly Dictionary<string, string> Labels = new() { ["com.example.label"] = "x" };

    [Fact]
    public async Task CreateEndpoint_StaticIpMacAndDriverOption_SendsInterfaceAndBase64Mac()
    {
        await using var h = await RemoteHarness.CreateAsync();
        var network = await h.NetworkAsync("n1");
        h.Plugin.ClearCalls();

        var endpoint = await h.EndpointAsync(network, "e1", ip: "172.17.0.10", mac: "02:42:ac:11:00:0a",
            driverOptions: new Dictionary<string, string> { ["com.example.vlan"] = "101" });

        var call = Assert.Single(h.Plugin.Calls);
        WireAssert.Call(PluginMethods.Network.CreateEndpoint, $$$"""
            {"NetworkID":"{{{network.Id}}}","EndpointID":"{{{endpoint.Id}}}",
             "Interface":{"Address":"172.17.0.10/16","AddressIPv6":"","MacAddress":"02:42:ac:11:00:0a"},
             "Options":{"com.docker.network.endpoint.macaddress":"AkKsEQAK","com.example.vlan":"101"}}
            """, call);
        Assert.Equal("172.17.0.10/16", endpoint.Address.ToString());
        Assert.Equal([endpoint.Id], h.Plugin.Endpoints);
    }

    [Fact]
    public async Task CreateEndpoint_NoStaticAddress_SendsIpamAddressAndEmptyOptions()
    {
        await using var h = await RemoteHarness.CreateAsync();
        var network = await h.NetworkAsync("n1");
        h.Plugin.ClearCalls();

        var endpoint = await h.EndpointAsync(network, "e1");

        WireAssert.Call(PluginMethods.Network.CreateEndpoint, $$$"""
            {"NetworkID":"{{{network.Id}}}","EndpointID":"{{{endpoint.Id}}}",
             "Interface":{"Address":"172.17.0.2/16","AddressIPv6":"","MacAddress":""},
             "Options":{}}
            """, Assert.Single(h.Plugin.Calls));
    }

    [Fact]
    public async Task JoinLeaveDelete_GatewayEndpoint_FollowsReferenceOrderAndBodies()
    {
        await using var h = await RemoteHarness.CreateAsync();
        var network = await h.NetworkAsync("n1");
        var endpoint = await h.EndpointAsync(network, "e1", ip: "172.17.0.10", mac: "02:42:ac:11:00:0a");
        var sandbox = await h.SandboxAsync("c1", Labels);
        h.Plugin.ClearCalls();

        var joined = await h.Controller.JoinAsync(endpoint.Id, sandbox.Id, CancellationToken.None);

        var ids = $$$""" "NetworkID":"{{{network.Id}}}","EndpointID":"{{{endpoint.Id}}}" """;
        var calls = h.Plugin.Calls;
        Assert.Equal([PluginMethods.Network.Join, PluginMethods.Network.ProgramExternalConnectivity], calls.Select(c => c.Method));
        WireAssert.Call(PluginMethods.Network.Join,
            $$$"""{ {{{ids}}},"SandboxKey":"/run/test/netns/{{{sandbox.Id[..12]}}}","Options":{"com.example.label":"x"}}""", calls[0]);
        WireAssert.Call(PluginMethods.Network.ProgramExternalConnectivity, $$$"""{ {{{ids}}},"Options":{"com.example.label":"x"}}""", calls[1]);
        Assert.Equal("veth-x", joined.Join!.SrcName);
        Assert.Equal("eth", joined.Join.DstPrefix);
        Assert.Equal("172.17.0.1", joined.Join.Gateway?.ToString());
        Assert.Equal(endpoint.Id, h.Controller.GetSandbox(sandbox.Id).GatewayEndpointId);
        Assert.Equal([endpoint.Id], h.SandboxProvider.InterfacesOf(sandbox.Key));

        h.Plugin.ClearCalls();
        var left = await h.Controller.LeaveAsync(endpoint.Id, CancellationToken.None);

        calls = h.Plugin.Calls;
        Assert.Equal([PluginMethods.Network.RevokeExternalConnectivity, PluginMethods.Network.Leave], calls.Select(c => c.Method));
        WireAssert.Call(PluginMethods.Network.RevokeExternalConnectivity, $$$"""{ {{{ids}}} }""", calls[0]);
        WireAssert.Call(PluginMethods.Network.Leave, $$$"""{ {{{ids}}} }""", calls[1]);
        Assert.Null(left.SandboxId);
        Assert.Equal("172.17.0.10/16", left.Address.ToString()); // the address stays with the endpoint
        Assert.Empty(h.SandboxProvider.InterfacesOf(sandbox.Key));

        h.Plugin.ClearCalls();
        await h.Controller.DeleteEndpointAsync(endpoint.Id, force: false, CancellationToken.None);

        WireAssert.Call(PluginMethods.Network.DeleteEndpoint, $$$"""{ {{{ids}}} }""", Assert.Single(h.Plugin.Calls));
        Assert.Empty(h.Plugin.Endpoints);
        Assert.Empty(h.Controller.Endpoints);
        h.AssertPluginAgrees();
    }

    [Fact]
    public async Task JoinAndProgram_SandboxLabelsInAnyOrder_SendThemSorted()
    {
        await using var h = await RemoteHarness.CreateAsync();
        var network = await h.NetworkAsync("n1");
        var endpoint = await h.EndpointAsync(network, "e1");
        var sandbox = await h.SandboxAsync("c1", new Dictionary<string, string> { ["z.label"] = "1", ["a.label"] = "2", ["M"] = "3" });
        h.Plugin.ClearCalls();

        await h.Controller.JoinAsync(endpoint.Id, sandbox.Id, CancellationToken.None);

        var ids = $$$""" "NetworkID":"{{{network.Id}}}","EndpointID":"{{{endpoint.Id}}}" """;
        const string options = """{"M":"3","a.label":"2","z.label":"1"}""";
        WireAssert.Calls(h.Plugin.Calls,
            (PluginMethods.Network.Join, $$$"""{ {{{ids}}},"SandboxKey":"/run/test/netns/{{{sandbox.Id[..12]}}}","Options":{{{options}}} }"""),
            (PluginMethods.Network.ProgramExternalConnectivity, $$$"""{ {{{ids}}},"Options":{{{options}}} }"""));
    }

    [Fact]
    public async Task Join_SecondEndpointInSameSandbox_SendsJoinOnly()
    {
        await using var h = await RemoteHarness.CreateAsync();
        var network = await h.NetworkAsync("n1");
        var first = await h.EndpointAsync(network, "e1");
        var second = await h.EndpointAsync(network, "e2");
        var sandbox = await h.SandboxAsync("c1", Labels);
        await h.Controller.JoinAsync(first.Id, sandbox.Id, CancellationToken.None);
        h.Plugin.ClearCalls();

        await h.Controller.JoinAsync(second.Id, sandbox.Id, CancellationToken.None);

        WireAssert.Call(PluginMethods.Network.Join, $$$"""
            {"NetworkID":"{{{network.Id}}}","EndpointID":"{{{second.Id}}}",
             "SandboxKey":"/run/test/netns/{{{sandbox.Id[..12]}}}","Options":{"com.example.label":"x"}}
            """, Assert.Single(h.Plugin.Calls));
        Assert.Equal(first.Id, h.Controller.GetSandbox(sandbox.Id).GatewayEndpointId);
        Assert.Equal([first.Id, second.Id], h.Controller.GetSandbox(sandbox.Id).EndpointIds);

        // The endpoint that is not the gateway leaves without Revoke.
        h.Plugin.ClearCalls();
        await h.Controller.LeaveAsync(second.Id, CancellationToken.None);
        Assert.Equal([PluginMethods.Network.Leave], h.Plugin.Methods);
        h.AssertPluginAgrees();
    }

    [Fact]
    public async Task Join_InternalNetwork_SendsNoProgramButRevokesOnLeave()
    {
        await using var h = await RemoteHarness.CreateAsync();
        var network = await h.NetworkAsync("n1", o => o with { Internal = true });
        var endpoint = await h.EndpointAsync(network, "e1");
        var sandbox = await h.SandboxAsync("c1");
        h.Plugin.ClearCalls();

        await h.Controller.JoinAsync(endpoint.Id, sandbox.Id, CancellationToken.None);
        await h.Controller.LeaveAsync(endpoint.Id, CancellationToken.None);

        // The reference revokes the sandbox's gateway endpoint on leave even where it never programmed it.
        Assert.Equal([PluginMethods.Network.Join, PluginMethods.Network.RevokeExternalConnectivity, PluginMethods.Network.Leave], h.Plugin.Methods);
    }

    [Fact]
    public async Task DeleteSandbox_TwoJoinedEndpoints_LeavesAndDeletesLastJoinedFirst()
    {
        await using var h = await RemoteHarness.CreateAsync();
        var network = await h.NetworkAsync("n1");
        var first = await h.EndpointAsync(network, "e1");
        var second = await h.EndpointAsync(network, "e2");
        var sandbox = await h.SandboxAsync("c1");
        await h.Controller.JoinAsync(first.Id, sandbox.Id, CancellationToken.None);
        await h.Controller.JoinAsync(second.Id, sandbox.Id, CancellationToken.None);
        h.Plugin.ClearCalls();

        await h.Controller.DeleteSandboxAsync(sandbox.Id, CancellationToken.None);

        var calls = h.Plugin.Calls;
        Assert.Equal([PluginMethods.Network.Leave, PluginMethods.Network.DeleteEndpoint,
            PluginMethods.Network.RevokeExternalConnectivity, PluginMethods.Network.Leave, PluginMethods.Network.DeleteEndpoint],
            calls.Select(c => c.Method));
        Assert.Equal([second.Id, second.Id, first.Id, first.Id, first.Id], calls.Select(c => c.Text("EndpointID")));
        Assert.Empty(h.Plugin.JoinedEndpoints);
        Assert.Empty(h.Plugin.Endpoints);
        Assert.Empty(h.Controller.Endpoints);
        Assert.Empty(h.Controller.Sandboxes);
        h.AssertPluginAgrees();
    }

    [Fact]
    public async Task Leave_GatewayEndpointWithAnotherJoined_RevokesLeavesThenProgramsTheNextOne()
    {
        await using var h = await RemoteHarness.CreateAsync();
        var network = await h.NetworkAsync("n1");
        var first = await h.EndpointAsync(network, "e1");
        var second = await h.EndpointAsync(network, "e2");
        var sandbox = await h.SandboxAsync("c1", Labels);
        await h.Controller.JoinAsync(first.Id, sandbox.Id, CancellationToken.None);
        await h.Controller.JoinAsync(second.Id, sandbox.Id, CancellationToken.None);
        h.Plugin.ClearCalls();

        await h.Controller.LeaveAsync(first.Id, CancellationToken.None);

        var calls = h.Plugin.Calls;
        Assert.Equal(
            [PluginMethods.Network.RevokeExternalConnectivity, PluginMethods.Network.Leave, PluginMethods.Network.ProgramExternalConnectivity],
            calls.Select(c => c.Method));
        Assert.Equal([first.Id, first.Id, second.Id], calls.Select(c => c.Text("EndpointID")));
        WireAssert.Call(PluginMethods.Network.ProgramExternalConnectivity, $$$"""
            {"NetworkID":"{{{network.Id}}}","EndpointID":"{{{second.Id}}}","Options":{"com.example.label":"x"}}
            """, calls[2]);
        Assert.Equal(second.Id, h.Controller.GetSandbox(sandbox.Id).GatewayEndpointId);
        Assert.Equal([second.Id], h.Plugin.ProgrammedEndpoints);
    }
}
