using Cnm.Core.Model;
using Cnm.Protocol;
using Cnm.Testing;

namespace Cnm.Drivers.Remote.Tests.Golden;

/// <summary>
/// <c>-d rec --ipam-driver rec</c>: one activation registers both drivers, the IPAM calls come in the
/// reference's order (docs/reference-host.md §4.4), and network delete is DeleteNetwork first, then the releases
/// (docs/decisions.md, "network delete order").
/// </summary>
public sealed class IpamPluginSequenceTests
{
    private const string V4Pool = "RecordingLocal/10.10.0.0/16/10.10.1.0/24";
    private const string V6Pool = "RecordingLocal/fd00:1::/64";
    private const string GatewayOption = """{"RequestAddressType":"com.docker.network.gateway"}""";

    private static NetworkCreateOptions DualStack(NetworkCreateOptions o) => o with
    {
        EnableIPv6 = true,
        IPv4 = [new IpamConfig("10.10.0.0/16", "10.10.1.0/24", "10.10.1.254",
            new Dictionary<string, string> { ["router"] = "10.10.0.5", ["printer"] = "10.10.0.6" })],
        IPv6 = [new IpamConfig("fd00:1::/64", AuxAddresses: new Dictionary<string, string> { ["v6aux"] = "fd00:1::5" })],
    };

    [Fact]
    public async Task CreateNetwork_PluginIsNetworkAndIpamDriver_ActivatesOnceThenFollowsReferenceOrder()
    {
        await using var h = await RemoteHarness.CreateAsync();

        var network = await h.PluginIpamNetworkAsync("n1", DualStack);

        var calls = h.Plugin.Calls;
        Assert.Equal(
        [
            PluginMethods.Activate,
            PluginMethods.Network.GetCapabilities, // handlers run in the order of the manifest's Implements list
            PluginMethods.Ipam.GetCapabilities,
            PluginMethods.Ipam.GetDefaultAddressSpaces,
            PluginMethods.Ipam.RequestPool,
            PluginMethods.Ipam.RequestAddress,
            PluginMethods.Ipam.RequestAddress,
            PluginMethods.Ipam.RequestAddress,
            PluginMethods.Ipam.RequestPool,
            PluginMethods.Ipam.RequestAddress,
            PluginMethods.Ipam.RequestAddress,
            PluginMethods.Network.CreateNetwork,
        ], calls.Select(c => c.Method));
        WireAssert.EmptyCall(PluginMethods.Activate, calls[0]);
        WireAssert.EmptyCall(PluginMethods.Network.GetCapabilities, calls[1]);
        WireAssert.EmptyCall(PluginMethods.Ipam.GetCapabilities, calls[2]);
        WireAssert.EmptyCall(PluginMethods.Ipam.GetDefaultAddressSpaces, calls[3]);
        WireAssert.Call(PluginMethods.Ipam.RequestPool,
            """{"AddressSpace":"RecordingLocal","Pool":"10.10.0.0/16","SubPool":"10.10.1.0/24","Options":{},"V6":false}""", calls[4]);
        WireAssert.Call(PluginMethods.Ipam.RequestAddress,
            $$$"""{"PoolID":"{{{V4Pool}}}","Address":"10.10.1.254","Options":{{{GatewayOption}}}}""", calls[5]);
        WireAssert.Call(PluginMethods.Ipam.RequestAddress, $$$"""{"PoolID":"{{{V4Pool}}}","Address":"10.10.0.5","Options":null}""", calls[6]);
        WireAssert.Call(PluginMethods.Ipam.RequestAddress, $$$"""{"PoolID":"{{{V4Pool}}}","Address":"10.10.0.6","Options":null}""", calls[7]);
        WireAssert.Call(PluginMethods.Ipam.RequestPool,
            """{"AddressSpace":"RecordingLocal","Pool":"fd00:1::/64","SubPool":"","Options":{},"V6":true}""", calls[8]);
        WireAssert.Call(PluginMethods.Ipam.RequestAddress, $$$"""{"PoolID":"{{{V6Pool}}}","Address":"","Options":{{{GatewayOption}}}}""", calls[9]);
        WireAssert.Call(PluginMethods.Ipam.RequestAddress, $$$"""{"PoolID":"{{{V6Pool}}}","Address":"fd00:1::5","Options":null}""", calls[10]);
        WireAssert.Call(PluginMethods.Network.CreateNetwork, $$$"""
            {"NetworkID":"{{{network.Id}}}",
             "Options":{"com.docker.network.enable_ipv6":true,"com.docker.network.generic":{}},
             "IPv4Data":[{"AddressSpace":"RecordingLocal","AuxAddresses":{"printer":"10.10.0.6/16","router":"10.10.0.5/16"},
                          "Gateway":"10.10.1.254/16","Pool":"10.10.0.0/16"}],
             "IPv6Data":[{"AddressSpace":"RecordingLocal","AuxAddresses":{"v6aux":"fd00:1::5/64"},
                          "Gateway":"fd00:1::1/64","Pool":"fd00:1::/64"}]}
            """, calls[11]);
        Assert.Equal(["10.10.0.5", "10.10.0.6", "10.10.1.254", "fd00:1::1", "fd00:1::5"], h.Plugin.Addresses);
        h.AssertPluginAgrees();
    }

    [Fact]
    public async Task CreateNetwork_ManifestListsIpamFirst_RegistersIpamFirst()
    {
        await using var h = await RemoteHarness.CreateAsync(p => p.Implements = [PluginInterfaces.IpamDriver, PluginInterfaces.NetworkDriver]);

        await h.PluginIpamNetworkAsync("n1");

        Assert.Equal(
        [
            PluginMethods.Activate,
            PluginMethods.Ipam.GetCapabilities,
            PluginMethods.Ipam.GetDefaultAddressSpaces,
            PluginMethods.Network.GetCapabilities,
            PluginMethods.Ipam.RequestPool,
            PluginMethods.Ipam.RequestAddress,
            PluginMethods.Network.CreateNetwork,
        ], h.Plugin.Methods);
    }

    [Fact]
    public async Task CreateNetwork_PluginIpamNoConfig_GetsAPoolFromThePluginAndItsFirstAddressAsGateway()
    {
        await using var h = await RemoteHarness.CreateAsync();

        var network = await h.PluginIpamNetworkAsync("n1");

        var calls = h.Plugin.Calls;
        WireAssert.Call(PluginMethods.Ipam.RequestPool,
            """{"AddressSpace":"RecordingLocal","Pool":"","SubPool":"","Options":{},"V6":false}""", calls[4]);
        WireAssert.Call(PluginMethods.Ipam.RequestAddress,
            $$$"""{"PoolID":"RecordingLocal/10.200.0.0/24","Address":"","Options":{{{GatewayOption}}}}""", calls[5]);
        WireAssert.Call(PluginMethods.Network.CreateNetwork, $$$"""
            {"NetworkID":"{{{network.Id}}}",
             "Options":{"com.docker.network.enable_ipv6":false,"com.docker.network.generic":{}},
             "IPv4Data":[{"AddressSpace":"RecordingLocal","Gateway":"10.200.0.1/24","Pool":"10.200.0.0/24"}],
             "IPv6Data":[]}
            """, calls[6]);
    }

    [Fact]
    public async Task CreateNetwork_IpamOptions_SendsThemSortedToRequestPool()
    {
        await using var h = await RemoteHarness.CreateAsync();

        await h.PluginIpamNetworkAsync("n1", o => o with
        {
            IpamOptions = new Dictionary<string, string> { ["vrf"] = "blue", ["com.example.zone"] = "a", ["Tier"] = "1" },
        });

        WireAssert.Call(PluginMethods.Ipam.RequestPool, """
            {"AddressSpace":"RecordingLocal","Pool":"","SubPool":"",
             "Options":{"Tier":"1","com.example.zone":"a","vrf":"blue"},"V6":false}
            """, h.Plugin.CallsTo(PluginMethods.Ipam.RequestPool)[0]);
    }

    [Fact]
    public async Task EndpointLifecycle_PluginIpam_RequestAddressBeforeCreateEndpointAndReleaseAfterDeleteEndpoint()
    {
        await using var h = await RemoteHarness.CreateAsync();
        var network = await h.PluginIpamNetworkAsync("n1", DualStack);
        h.Plugin.ClearCalls();

        var endpoint = await h.EndpointAsync(network, "e1");

        var calls = h.Plugin.Calls;
        Assert.Equal([PluginMethods.Ipam.RequestAddress, PluginMethods.Ipam.RequestAddress, PluginMethods.Network.CreateEndpoint],
            calls.Select(c => c.Method));
        WireAssert.Call(PluginMethods.Ipam.RequestAddress, $$$"""{"PoolID":"{{{V4Pool}}}","Address":"","Options":null}""", calls[0]);
        WireAssert.Call(PluginMethods.Ipam.RequestAddress, $$$"""{"PoolID":"{{{V6Pool}}}","Address":"","Options":null}""", calls[1]);
        // The sub-pool's first address is allocatable (only the master pool's network address is reserved).
        WireAssert.Call(PluginMethods.Network.CreateEndpoint, $$$"""
            {"NetworkID":"{{{network.Id}}}","EndpointID":"{{{endpoint.Id}}}",
             "Interface":{"Address":"10.10.1.0/16","AddressIPv6":"fd00:1::2/64","MacAddress":""},"Options":{}}
            """, calls[2]);
        h.AssertPluginAgrees();

        h.Plugin.ClearCalls();
        await h.Controller.DeleteEndpointAsync(endpoint.Id, force: false, CancellationToken.None);

        calls = h.Plugin.Calls;
        Assert.Equal([PluginMethods.Network.DeleteEndpoint, PluginMethods.Ipam.ReleaseAddress, PluginMethods.Ipam.ReleaseAddress],
            calls.Select(c => c.Method));
        WireAssert.Call(PluginMethods.Network.DeleteEndpoint, $$$"""{"NetworkID":"{{{network.Id}}}","EndpointID":"{{{endpoint.Id}}}"}""", calls[0]);
        WireAssert.Call(PluginMethods.Ipam.ReleaseAddress, $$$"""{"PoolID":"{{{V4Pool}}}","Address":"10.10.1.0"}""", calls[1]);
        WireAssert.Call(PluginMethods.Ipam.ReleaseAddress, $$$"""{"PoolID":"{{{V6Pool}}}","Address":"fd00:1::2"}""", calls[2]);
        h.AssertPluginAgrees();
    }

    [Fact]
    public async Task DeleteNetwork_PluginIpam_DeleteNetworkFirstThenGatewayAuxAndPoolPerVersion()
    {
        await using var h = await RemoteHarness.CreateAsync();
        var network = await h.PluginIpamNetworkAsync("n1", DualStack);
        h.Plugin.ClearCalls();

        await h.Controller.DeleteNetworkAsync(network.Id, force: false, CancellationToken.None);

        var calls = h.Plugin.Calls;
        Assert.Equal(
        [
            PluginMethods.Network.DeleteNetwork,
            PluginMethods.Ipam.ReleaseAddress,
            PluginMethods.Ipam.ReleaseAddress,
            PluginMethods.Ipam.ReleaseAddress,
            PluginMethods.Ipam.ReleasePool,
            PluginMethods.Ipam.ReleaseAddress,
            PluginMethods.Ipam.ReleaseAddress,
            PluginMethods.Ipam.ReleasePool,
        ], calls.Select(c => c.Method));
        WireAssert.Call(PluginMethods.Network.DeleteNetwork, $$$"""{"NetworkID":"{{{network.Id}}}"}""", calls[0]);
        WireAssert.Call(PluginMethods.Ipam.ReleaseAddress, $$$"""{"PoolID":"{{{V4Pool}}}","Address":"10.10.1.254"}""", calls[1]);
        WireAssert.Call(PluginMethods.Ipam.ReleaseAddress, $$$"""{"PoolID":"{{{V4Pool}}}","Address":"10.10.0.5"}""", calls[2]);
        WireAssert.Call(PluginMethods.Ipam.ReleaseAddress, $$$"""{"PoolID":"{{{V4Pool}}}","Address":"10.10.0.6"}""", calls[3]);
        WireAssert.Call(PluginMethods.Ipam.ReleasePool, $$$"""{"PoolID":"{{{V4Pool}}}"}""", calls[4]);
        WireAssert.Call(PluginMethods.Ipam.ReleaseAddress, $$$"""{"PoolID":"{{{V6Pool}}}","Address":"fd00:1::1"}""", calls[5]);
        WireAssert.Call(PluginMethods.Ipam.ReleaseAddress, $$$"""{"PoolID":"{{{V6Pool}}}","Address":"fd00:1::5"}""", calls[6]);
        WireAssert.Call(PluginMethods.Ipam.ReleasePool, $$$"""{"PoolID":"{{{V6Pool}}}"}""", calls[7]);
        Assert.Equal("", h.Plugin.Snapshot());
        Assert.Equal("", h.Snapshot());
    }

    [Fact]
    public async Task CreateEndpoint_IpamRequiresMac_SendsGeneratedMacToRequestAddressOnlyAndInTheInterface()
    {
        await using var h = await RemoteHarness.CreateAsync(p => p.RequiresMacAddress = true);
        var network = await h.PluginIpamNetworkAsync("n1");
        h.Plugin.ClearCalls();

        var endpoint = await h.EndpointAsync(network, "e1");

        var calls = h.Plugin.Calls;
        var mac = endpoint.MacAddress!.GetAddressBytes();
        Assert.Equal([0x02, 0x42], mac[..2]);
        var text = string.Join(':', mac.Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
        WireAssert.Call(PluginMethods.Ipam.RequestAddress,
            $$$"""{"PoolID":"RecordingLocal/10.200.0.0/24","Address":"","Options":{"com.docker.network.endpoint.macaddress":"{{{text}}}"}}""", calls[0]);
        WireAssert.Call(PluginMethods.Network.CreateEndpoint, $$$"""
            {"NetworkID":"{{{network.Id}}}","EndpointID":"{{{endpoint.Id}}}",
             "Interface":{"Address":"10.200.0.2/24","AddressIPv6":"","MacAddress":"{{{text}}}"},
             "Options":{}}
            """, calls[1]);
    }

    [Fact]
    public async Task CreateNetwork_IpamGivesGatewayInPoolData_RequestsNoGatewayAndNeverReleasesIt()
    {
        await using var h = await RemoteHarness.CreateAsync();
        h.Plugin.Rewrite(PluginMethods.Ipam.RequestPool, body =>
        {
            var reply = System.Text.Json.Nodes.JsonNode.Parse(body)!;
            reply["Data"] = new System.Text.Json.Nodes.JsonObject { ["com.docker.network.gateway"] = "10.200.0.254/24" };
            return reply.ToJsonString();
        });

        var network = await h.PluginIpamNetworkAsync("n1");

        Assert.Equal([PluginMethods.Ipam.RequestPool, PluginMethods.Network.CreateNetwork], h.Plugin.Methods.Skip(4));
        Assert.Equal("10.200.0.254/24", h.Plugin.CallsTo(PluginMethods.Network.CreateNetwork)[0].Json()
            .GetProperty("IPv4Data")[0].GetProperty("Gateway").GetString());
        h.AssertPluginAgrees();

        h.Plugin.ClearCalls();
        await h.Controller.DeleteNetworkAsync(network.Id, force: false, CancellationToken.None);

        Assert.Equal([PluginMethods.Network.DeleteNetwork, PluginMethods.Ipam.ReleasePool], h.Plugin.Methods);
        Assert.Equal("", h.Plugin.Snapshot());
    }
}
