using Cnm.Core.Model;
using Cnm.Protocol;
using Cnm.Testing;

namespace Cnm.Drivers.Remote.Tests.Golden;

/// <summary>
/// <c>-d rec</c> with the built-in default IPAM: the plugin sees exactly Activate, GetCapabilities, then
/// CreateNetwork, with the body the reference sends (docs/reference-host.md §3.2, 3.14).
/// </summary>
public sealed class NetworkSequenceTests
{
    private static readonly string[] FirstUse =
        [PluginMethods.Activate, PluginMethods.Network.GetCapabilities, PluginMethods.Network.CreateNetwork];

    private static Task<RemoteHarness> NetworkOnlyPluginAsync() =>
        RemoteHarness.CreateAsync(p => p.Implements = [PluginInterfaces.NetworkDriver]);

    [Fact]
    public async Task CreateNetwork_Plain_SendsActivateCapabilitiesThenCreateNetworkWithDefaultPool()
    {
        await using var h = await NetworkOnlyPluginAsync();

        var network = await h.NetworkAsync("n1");

        var calls = h.Plugin.Calls;
        Assert.Equal(FirstUse, calls.Select(c => c.Method));
        WireAssert.EmptyCall(PluginMethods.Activate, calls[0]);
        WireAssert.EmptyCall(PluginMethods.Network.GetCapabilities, calls[1]);
        WireAssert.Call(PluginMethods.Network.CreateNetwork, $$$"""
            {"NetworkID":"{{{network.Id}}}",
             "Options":{"com.docker.network.enable_ipv6":false,"com.docker.network.generic":{}},
             "IPv4Data":[{"AddressSpace":"LocalDefault","Gateway":"172.17.0.1/16","Pool":"172.17.0.0/16"}],
             "IPv6Data":[]}
            """, calls[2]);
        Assert.Equal([network.Id], h.Plugin.Networks);
    }

    [Fact]
    public async Task CreateNetwork_SubnetRangeGatewayAux_SendsGatewayAndAuxWithPoolMask()
    {
        await using var h = await NetworkOnlyPluginAsync();

        var network = await h.NetworkAsync("n1", o => o with
        {
            IPv4 = [new IpamConfig("10.10.0.0/16", "10.10.1.0/24", "10.10.0.254",
                new Dictionary<string, string> { ["router"] = "10.10.0.5", ["printer"] = "10.10.0.6" })],
        });

        Assert.Equal(FirstUse, h.Plugin.Methods);
        WireAssert.Call(PluginMethods.Network.CreateNetwork, $$$"""
            {"NetworkID":"{{{network.Id}}}",
             "Options":{"com.docker.network.enable_ipv6":false,"com.docker.network.generic":{}},
             "IPv4Data":[{"AddressSpace":"LocalDefault","AuxAddresses":{"printer":"10.10.0.6/16","router":"10.10.0.5/16"},
                          "Gateway":"10.10.0.254/16","Pool":"10.10.0.0/16"}],
             "IPv6Data":[]}
            """, h.Plugin.Calls[2]);
    }

    [Fact]
    public async Task CreateNetwork_DriverOptions_SendsThemUnderGenericAndLeavesLabelsOut()
    {
        await using var h = await NetworkOnlyPluginAsync();

        var network = await h.NetworkAsync("n1", o => o with
        {
            DriverOptions = new Dictionary<string, string> { ["mtu"] = "1400", ["com.example.vlan"] = "101" },
            Labels = new Dictionary<string, string> { ["team"] = "blue" },
        });

        Assert.Equal(FirstUse, h.Plugin.Methods);
        WireAssert.Call(PluginMethods.Network.CreateNetwork, $$$"""
            {"NetworkID":"{{{network.Id}}}",
             "Options":{"com.docker.network.enable_ipv6":false,
                        "com.docker.network.generic":{"com.example.vlan":"101","mtu":"1400"}},
             "IPv4Data":[{"AddressSpace":"LocalDefault","Gateway":"172.17.0.1/16","Pool":"172.17.0.0/16"}],
             "IPv6Data":[]}
            """, h.Plugin.Calls[2]);
    }

    [Fact]
    public async Task CreateNetwork_DriverOptionsNeedingEscapes_SendsThemSortedAndEscapedAsGoDoes()
    {
        await using var h = await NetworkOnlyPluginAsync();

        var network = await h.NetworkAsync("n1", o => o with
        {
            DriverOptions = new Dictionary<string, string>
            {
                ["zeta"] = "a<b&c>d",
                ["Alpha"] = "é😀+'",
                ["alpha"] = "line\nbreak\u2028\"q\"",
            },
        });

        // Go: keys by bytes (upper case first), <>& as lower-case \u00xx, U+2028 escaped, other non-ASCII raw.
        WireAssert.Call(PluginMethods.Network.CreateNetwork, $$$"""
            {"NetworkID":"{{{network.Id}}}",
             "Options":{"com.docker.network.enable_ipv6":false,
                        "com.docker.network.generic":{"Alpha":"é😀+'","alpha":"line\nbreak\u2028\"q\"","zeta":"a\u003cb\u0026c\u003ed"}},
             "IPv4Data":[{"AddressSpace":"LocalDefault","Gateway":"172.17.0.1/16","Pool":"172.17.0.0/16"}],
             "IPv6Data":[]}
            """, h.Plugin.Calls[2]);
    }

    [Fact]
    public async Task CreateNetwork_DualStack_SendsIPv6DataAndEnableIPv6True()
    {
        await using var h = await NetworkOnlyPluginAsync();

        var network = await h.NetworkAsync("n1", o => o with { EnableIPv6 = true, IPv6 = [new IpamConfig("fd00:1::/64")] });

        Assert.Equal(FirstUse, h.Plugin.Methods);
        WireAssert.Call(PluginMethods.Network.CreateNetwork, $$$"""
            {"NetworkID":"{{{network.Id}}}",
             "Options":{"com.docker.network.enable_ipv6":true,"com.docker.network.generic":{}},
             "IPv4Data":[{"AddressSpace":"LocalDefault","Gateway":"172.17.0.1/16","Pool":"172.17.0.0/16"}],
             "IPv6Data":[{"AddressSpace":"LocalDefault","Gateway":"fd00:1::1/64","Pool":"fd00:1::/64"}]}
            """, h.Plugin.Calls[2]);
    }

    [Fact]
    public async Task CreateNetwork_Internal_SendsInternalTrue()
    {
        await using var h = await NetworkOnlyPluginAsync();

        var network = await h.NetworkAsync("n1", o => o with { Internal = true });

        Assert.Equal(FirstUse, h.Plugin.Methods);
        WireAssert.Call(PluginMethods.Network.CreateNetwork, $$$"""
            {"NetworkID":"{{{network.Id}}}",
             "Options":{"com.docker.network.enable_ipv6":false,"com.docker.network.generic":{},
                        "com.docker.network.internal":true},
             "IPv4Data":[{"AddressSpace":"LocalDefault","Gateway":"172.17.0.1/16","Pool":"172.17.0.0/16"}],
             "IPv6Data":[]}
            """, h.Plugin.Calls[2]);
    }

    [Fact]
    public async Task DeleteNetwork_Plain_SendsOnlyDeleteNetworkAndReleasesThePool()
    {
        await using var h = await NetworkOnlyPluginAsync();
        var network = await h.NetworkAsync("n1");
        h.Plugin.ClearCalls();

        await h.Controller.DeleteNetworkAsync("n1", force: false, CancellationToken.None);

        var call = Assert.Single(h.Plugin.Calls);
        WireAssert.Call(PluginMethods.Network.DeleteNetwork, $$$"""{"NetworkID":"{{{network.Id}}}"}""", call);
        Assert.Empty(h.Plugin.Networks);
        Assert.Equal("", h.Snapshot());
    }

    [Fact]
    public async Task CreateNetwork_SecondNetwork_DoesNotActivateAgain()
    {
        await using var h = await NetworkOnlyPluginAsync();
        await h.NetworkAsync("n1");

        var second = await h.NetworkAsync("n2");

        Assert.Equal([.. FirstUse, PluginMethods.Network.CreateNetwork], h.Plugin.Methods);
        Assert.Equal(second.Id, h.Plugin.Calls[3].Text("NetworkID"));
        Assert.Equal("172.18.0.0/16", Assert.Single(second.IPv4Pools).Pool.ToString());
    }

    [Fact]
    public async Task CreateNetworkAndEndpoint_NullIpam_SendsNullPoolWithoutGatewayAndTakesTheDriversAddress()
    {
        await using var h = await NetworkOnlyPluginAsync();
        h.Plugin.Rewrite(PluginMethods.Network.CreateEndpoint,
            _ => """{"Interface":{"Address":"10.50.0.2/24","AddressIPv6":"","MacAddress":"02:42:0a:32:00:02"}}""");

        var network = await h.NetworkAsync("n1", o => o with { IpamDriver = "null" });
        var endpoint = await h.EndpointAsync(network, "e1");

        WireAssert.Call(PluginMethods.Network.CreateNetwork, $$$"""
            {"NetworkID":"{{{network.Id}}}",
             "Options":{"com.docker.network.enable_ipv6":false,"com.docker.network.generic":{}},
             "IPv4Data":[{"AddressSpace":"null","Pool":"0.0.0.0/0"}],
             "IPv6Data":[]}
            """, h.Plugin.Calls[2]);
        WireAssert.Call(PluginMethods.Network.CreateEndpoint, $$$"""
            {"NetworkID":"{{{network.Id}}}","EndpointID":"{{{endpoint.Id}}}",
             "Interface":{"Address":"","AddressIPv6":"","MacAddress":""},"Options":{}}
            """, h.Plugin.Calls[3]);
        Assert.Equal("10.50.0.2/24", endpoint.Address.ToString());
        Assert.Equal("02420A320002", endpoint.MacAddress?.ToString());

        await h.Controller.DeleteEndpointAsync(endpoint.Id, force: false, CancellationToken.None);
        await h.Controller.DeleteNetworkAsync(network.Id, force: false, CancellationToken.None);
        Assert.Equal("", h.Snapshot());
        Assert.Equal("", h.Plugin.Snapshot());
    }
}
