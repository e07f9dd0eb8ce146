using System.Text;
using System.Text.Json;
using Cnm.Protocol.Ipam;
using Cnm.Protocol.Network;

namespace Cnm.Protocol.Tests.Json;

/// <summary>
/// What is a map in the reference goes out with its keys sorted by bytes, at every depth; records keep their
/// declared order (docs/reference-host.md §3.2: Go's encoder sorts map keys; IPAMData's marshaller builds a map).
/// The expected bodies of the map, nesting, repeated-key and IPAMData cases were checked against what Go 1.19.8's
/// encoding/json writes for the same values (Debian golang-1.19-go, 2026-12-01), the Go release Docker 20.10 was built with.
/// </summary>
public class GoJsonMapOrderTests
{
    private const string Net = "n1";
    private static PluginJsonContext Json => PluginJsonContext.Default;

    private static string Body<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info) =>
        Encoding.UTF8.GetString(GoJson.SerializeBody(value, info));

    private static Dictionary<string, JsonElement> Options(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal);
    }

    [Fact]
    public void SerializeBody_IpamDataWithEverything_WritesSortedKeysAndSortedAuxAddresses()
    {
        var data = new IpamData("LocalDefault", "10.10.0.0/16", "10.10.0.254/16",
            new Dictionary<string, string> { ["router"] = "10.10.0.5/16", ["printer"] = "10.10.0.6/16", ["Zed"] = "10.10.0.7/16" });

        var body = Body(new CreateNetworkRequest(Net, new Dictionary<string, JsonElement>(), [data], []), Json.CreateNetworkRequest);

        Assert.Equal("""
            {"NetworkID":"n1","Options":{},"IPv4Data":[{"AddressSpace":"LocalDefault","AuxAddresses":{"Zed":"10.10.0.7/16","printer":"10.10.0.6/16","router":"10.10.0.5/16"},"Gateway":"10.10.0.254/16","Pool":"10.10.0.0/16"}],"IPv6Data":[]}

            """, body);
    }

    [Theory]
    [InlineData(null, null, false, """{"AddressSpace":"null"}""")]
    [InlineData("0.0.0.0/0", null, false, """{"AddressSpace":"null","Pool":"0.0.0.0/0"}""")]
    [InlineData("172.18.0.0/16", "172.18.0.1/16", false, """{"AddressSpace":"null","Gateway":"172.18.0.1/16","Pool":"172.18.0.0/16"}""")]
    [InlineData("172.18.0.0/16", null, true, """{"AddressSpace":"null","AuxAddresses":{},"Pool":"172.18.0.0/16"}""")]
    public void SerializeBody_IpamDataWithUnsetMembers_LeavesThemOutKeepingTheOrder(string? pool, string? gateway, bool emptyAux, string expected)
    {
        var data = new IpamData("null", pool, gateway, emptyAux ? new Dictionary<string, string>() : null);

        var body = Body(new AllocateNetworkRequest(Net, null, [data], null), Json.AllocateNetworkRequest);

        Assert.Equal($$"""{"NetworkID":"n1","Options":null,"IPv4Data":[{{expected}}],"IPv6Data":null}""" + "\n", body);
    }

    [Fact]
    public void SerializeBody_NestedOptionObjects_AreSortedAtEveryDepth()
    {
        var options = Options("""
            {"z":1,"com.docker.network.generic":{"mtu":"1400","com.example.vlan":"101","B":"x"},
             "a":{"y":{"d":[{"q":1,"p":{"k2":0,"k1":0}}],"c":null},"x":true},"A":"upper"}
            """);

        var body = Body(new CreateNetworkRequest(Net, options, [], []), Json.CreateNetworkRequest);

        Assert.Equal("""
            {"NetworkID":"n1","Options":{"A":"upper","a":{"x":true,"y":{"c":null,"d":[{"p":{"k1":0,"k2":0},"q":1}]}},"com.docker.network.generic":{"B":"x","com.example.vlan":"101","mtu":"1400"},"z":1},"IPv4Data":[],"IPv6Data":[]}

            """, body);
    }

    [Fact]
    public void SerializeBody_PortOptions_KeepTheirStructOrder()
    {
        // Exposed ports and port bindings are Go structs inside the map: their fields are not sorted.
        var options = Options("""
            {"com.docker.network.portmap":[{"Proto":6,"IP":"","Port":80,"HostIP":"","HostPort":8080,"HostPortEnd":8080}],
             "com.example.opt":{"Proto":6,"IP":""},
             "com.docker.network.endpoint.exposedports":[{"Proto":6,"Port":80}]}
            """);

        var body = Body(new CreateEndpointRequest(Net, "e1", new EndpointInterface(), options), Json.CreateEndpointRequest);

        Assert.Equal("""
            {"NetworkID":"n1","EndpointID":"e1","Interface":{"Address":"","AddressIPv6":"","MacAddress":""},"Options":{"com.docker.network.endpoint.exposedports":[{"Proto":6,"Port":80}],"com.docker.network.portmap":[{"Proto":6,"IP":"","Port":80,"HostIP":"","HostPort":8080,"HostPortEnd":8080}],"com.example.opt":{"IP":"","Proto":6}}}

            """, body);
    }

    [Fact]
    public void SerializeBody_JoinAndProgramOptions_AreSorted()
    {
        var options = Options("""{"com.docker.network.generic":{"ParentEndpoints":null,"ChildEndpoints":null},"com.docker.network.endpoint.exposedports":[]}""");
        const string sorted = """{"com.docker.network.endpoint.exposedports":[],"com.docker.network.generic":{"ChildEndpoints":null,"ParentEndpoints":null}}""";

        var join = Body(new JoinRequest(Net, "e1", "/k", options), Json.JoinRequest);
        var program = Body(new ProgramExternalConnectivityRequest(Net, "e1", options), Json.ProgramExternalConnectivityRequest);

        Assert.Equal($$"""{"NetworkID":"n1","EndpointID":"e1","SandboxKey":"/k","Options":{{sorted}}}""" + "\n", join);
        Assert.Equal($$"""{"NetworkID":"n1","EndpointID":"e1","Options":{{sorted}}}""" + "\n", program);
    }

    [Fact]
    public void SerializeBody_ObjectWithARepeatedKey_KeepsOnlyTheLastValue()
    {
        // A Go map holds each key once; decoding {"a":1,"a":2} into one keeps the last value.
        var options = Options("""{"o":{"b":0,"a":1,"a":2}}""");

        var body = Body(new JoinRequest(Net, "e1", "/k", options), Json.JoinRequest);

        Assert.Contains("""
            "Options":{"o":{"a":2,"b":0}}
            """, body, StringComparison.Ordinal);
    }

    [Fact]
    public void SerializeBody_IpamStringMaps_AreSorted()
    {
        var options = new Dictionary<string, string> { ["b"] = "2", ["RequestAddressType"] = "x", ["a"] = "1", ["com.docker.network.endpoint.macaddress"] = "m" };

        var pool = Body(new RequestPoolRequest("S", "", "", options, false), Json.RequestPoolRequest);
        var address = Body(new RequestAddressRequest("p", "", options), Json.RequestAddressRequest);

        const string sorted = """{"RequestAddressType":"x","a":"1","b":"2","com.docker.network.endpoint.macaddress":"m"}""";
        Assert.Equal($$"""{"AddressSpace":"S","Pool":"","SubPool":"","Options":{{sorted}},"V6":false}""" + "\n", pool);
        Assert.Equal($$"""{"PoolID":"p","Address":"","Options":{{sorted}}}""" + "\n", address);
    }

    [Fact]
    public void SerializeBody_MapsInAnswers_AreSorted()
    {
        var data = new Dictionary<string, string> { ["z"] = "1", ["com.docker.network.gateway"] = "10.0.0.1/24" };
        var value = Options("""{"z":{"b":1,"a":2},"m":0}""");

        Assert.Equal("""{"Data":{"com.docker.network.gateway":"10.0.0.1/24","z":"1"}}""" + "\n",
            Body(new RequestPoolResponse(Data: data), Json.RequestPoolResponse));
        Assert.Equal("""{"Data":{"com.docker.network.gateway":"10.0.0.1/24","z":"1"}}""" + "\n",
            Body(new RequestAddressResponse(Data: data), Json.RequestAddressResponse));
        Assert.Equal("""{"Options":{"com.docker.network.gateway":"10.0.0.1/24","z":"1"}}""" + "\n",
            Body(new AllocateNetworkResponse(data), Json.AllocateNetworkResponse));
        Assert.Equal("""{"Value":{"m":0,"z":{"a":2,"b":1}}}""" + "\n",
            Body(new EndpointOperInfoResponse(value), Json.EndpointOperInfoResponse));
    }

    [Fact]
    public void SerializeBody_DiscoveryData_IsAStructAndKeepsItsOrder()
    {
        var data = JsonSerializer.SerializeToElement(new NodeDiscoveryData("10.0.0.1", "10.0.0.2", true), Json.NodeDiscoveryData);

        var body = Body(new DiscoveryNotification(DiscoveryTypes.NodeDiscovery, data), Json.DiscoveryNotification);

        Assert.Equal("""{"DiscoveryType":1,"DiscoveryData":{"Address":"10.0.0.1","BindAddress":"10.0.0.2","Self":true}}""" + "\n", body);
    }

    [Fact]
    public void SerializeBody_KeysAcrossUnicode_AreInTheOrderGoWritesThem()
    {
        // Expected bytes as Go 1.19.8's encoding/json wrote this map (json.NewEncoder(...).Encode of a map[string]int).
        var keys = new[] { "Alpha", "alpha", "zeta", "\uffff", "😀", "\ue000", "\U00010000", "a<b", "B", "a", "ab" };
        var value = keys.Select((k, i) => (k, i)).ToDictionary(p => p.k, p => JsonSerializer.SerializeToElement(p.i + 1, Json.Int32));

        var body = Body(new EndpointOperInfoResponse(value), Json.EndpointOperInfoResponse);

        Assert.Equal("{\"Value\":{\"Alpha\":1,\"B\":9,\"a\":10,\"a\\u003cb\":8,\"ab\":11,\"alpha\":2,\"zeta\":3," +
            "\"\ue000\":6,\"\uffff\":4,\"\U00010000\":7,\"😀\":5}}\n", body);
    }

    [Theory]
    [InlineData("a", "b")]
    [InlineData("B", "a")]
    [InlineData("a", "ab")]
    [InlineData("com.docker.network.endpoint.macaddress", "com.docker.network.generic")]
    [InlineData("Z", "_")]
    [InlineData("\u00ff", "\u0100")]
    [InlineData("\uffff", "😀")]      // U+FFFF (EF BF BF) before U+1F600 (F0 9F 98 80), though UTF-16 orders them the other way
    [InlineData("\ue000", "\U00010000")]
    public void MapKeyOrder_TwoKeys_OrdersByUtf8Bytes(string first, string second)
    {
        Assert.True(Encoding.UTF8.GetBytes(first).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(second)) < 0);
        Assert.True(GoJson.MapKeyOrder.Compare(first, second) < 0);
        Assert.True(GoJson.MapKeyOrder.Compare(second, first) > 0);
        Assert.Equal(0, GoJson.MapKeyOrder.Compare(first, first + ""));
    }

    [Fact]
    public void Deserialize_OptionMaps_KeepWhatWasSentAndReadNullStringsAsEmpty()
    {
        var request = JsonSerializer.Deserialize("""{"PoolID":"p","Address":"","Options":{"b":"2","a":null}}""", Json.RequestAddressRequest)!;
        var join = JsonSerializer.Deserialize("""{"Options":{"z":{"y":1,"x":2},"a":[3]}}""", Json.JoinRequest)!;

        Assert.Equal(["b", "a"], request.Options!.Keys);
        Assert.Equal("", request.Options["a"]);
        Assert.Equal(["z", "a"], join.Options!.Keys);
        Assert.Equal("""{"y":1,"x":2}""", join.Options["z"].GetRawText());
    }

    [Fact]
    public void Deserialize_StringMapWithANumber_IsRejected()
    {
        Assert.Throws<JsonException>(() =>
            JsonSerializer.Deserialize("""{"PoolID":"p","Address":"","Options":{"a":1}}""", Json.RequestAddressRequest));
    }
}
