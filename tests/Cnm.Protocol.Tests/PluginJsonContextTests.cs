using Cnm.Testing;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Cnm.Protocol.Ipam;
using Cnm.Protocol.Network;
using Cnm.Protocol.Tests.Golden;

namespace Cnm.Protocol.Tests;

public class PluginJsonContextTests
{
    private static PluginJsonContext Json => PluginJsonContext.Default;

    [Fact]
    public void Deserialize_LowerCaseKeys_FillsPinnedProperties()
    {
        var request = JsonSerializer.Deserialize("""{"networkid":"n1","endpointid":"e1","sandboxkey":"/x"}""", Json.JoinRequest)!;
        var pool = JsonSerializer.Deserialize("""{"poolid":"p1","POOL":"10.0.0.0/8","data":{"k":"v"}}""", Json.RequestPoolResponse)!;
        var join = JsonSerializer.Deserialize(
            """{"interfacename":{"srcname":"veth0","dstprefix":"eth"},"staticroutes":[{"destination":"10.0.0.0/8","routetype":1}],"err":"x"}""",
            Json.JoinResponse)!;

        Assert.Equal(("n1", "e1", "/x"), (request.NetworkId, request.EndpointId, request.SandboxKey));
        Assert.Equal(("p1", "10.0.0.0/8", "v"), (pool.PoolId, pool.Pool, pool.Data!["k"]));
        Assert.Equal(new InterfaceName("veth0", "eth", ""), join.InterfaceName);
        Assert.Equal(new StaticRoute("10.0.0.0/8", RouteTypes.Connected, ""), Assert.Single(join.StaticRoutes!));
        Assert.Equal("x", join.Err);
    }

    [Fact]
    public void Deserialize_NullMapsAndLists_ReadAsNull()
    {
        var request = JsonSerializer.Deserialize(
            """{"NetworkID":"n1","Options":null,"IPv4Data":null,"IPv6Data":null}""", Json.CreateNetworkRequest)!;
        var ipam = JsonSerializer.Deserialize("""{"PoolID":"p","Address":"","Options":null}""", Json.RequestAddressRequest)!;
        var info = JsonSerializer.Deserialize("""{"Value":null}""", Json.EndpointOperInfoResponse)!;
        var endpoint = JsonSerializer.Deserialize("""{"Interface":null}""", Json.CreateEndpointResponse)!;

        Assert.Equal("n1", request.NetworkId);
        Assert.Null(request.Options);
        Assert.Null(request.IPv4Data);
        Assert.Null(request.IPv6Data);
        Assert.Null(ipam.Options);
        Assert.Null(info.Value);
        Assert.Null(endpoint.Interface);
    }

    [Fact]
    public void Deserialize_EmptyObjectResponses_GiveZeroValues()
    {
        var join = JsonSerializer.Deserialize("{}", Json.JoinResponse)!;
        var caps = JsonSerializer.Deserialize("{}", Json.IpamCapabilitiesResponse)!;
        var spaces = JsonSerializer.Deserialize("{}", Json.GetDefaultAddressSpacesResponse)!;

        Assert.Equal(new JoinResponse(), join);
        Assert.False(join.DisableGatewayService);
        Assert.Null(join.InterfaceName);
        Assert.Equal(new IpamCapabilitiesResponse(false, false), caps);
        Assert.Null(spaces.LocalDefaultAddressSpace);
    }

    [Fact]
    public void Deserialize_MissingNestedFields_GiveGoZeroValues()
    {
        var endpoint = JsonSerializer.Deserialize("""{"Interface":{"MacAddress":"02:42:ac:12:00:03"}}""", Json.CreateEndpointResponse)!;
        var join = JsonSerializer.Deserialize("""{"InterfaceName":{"SrcName":"veth0"},"StaticRoutes":[{}]}""", Json.JoinResponse)!;
        var data = JsonSerializer.Deserialize("""{"AddressSpace":"LocalDefault"}""", Json.IpamData)!;

        Assert.Equal(new EndpointInterface("", "", "02:42:ac:12:00:03"), endpoint.Interface);
        Assert.Equal(new InterfaceName("veth0", "", ""), join.InterfaceName);
        Assert.Equal(new StaticRoute("", RouteTypes.NextHop, ""), Assert.Single(join.StaticRoutes!));
        Assert.Equal(new IpamData("LocalDefault"), data);
    }

    [Fact]
    public void Deserialize_UnknownKeys_AreIgnored()
    {
        var caps = JsonSerializer.Deserialize("""{"Scope":"global","GwAllocChecker":true,"Extra":{"a":[1]}}""",
            Json.NetworkCapabilitiesResponse)!;

        Assert.Equal(new NetworkCapabilitiesResponse(DriverScopes.Global), caps);
    }

    [Fact]
    public void Serialize_RequestWithNullMaps_WritesEveryKeyWithNull()
    {
        var json = JsonSerializer.Serialize(new CreateNetworkRequest("n1", null, null, []), Json.CreateNetworkRequest);

        Assert.Equal("""{"NetworkID":"n1","Options":null,"IPv4Data":null,"IPv6Data":[]}""", json);
    }

    [Fact]
    public void Serialize_IpamRequests_WriteEveryKey()
    {
        var pool = JsonSerializer.Serialize(new RequestPoolRequest("LocalDefault", "", "", null, true), Json.RequestPoolRequest);
        var address = JsonSerializer.Serialize(new RequestAddressRequest("p1", "", null), Json.RequestAddressRequest);

        Assert.Equal("""{"AddressSpace":"LocalDefault","Pool":"","SubPool":"","Options":null,"V6":true}""", pool);
        Assert.Equal("""{"PoolID":"p1","Address":"","Options":null}""", address);
    }

    [Fact]
    public void Serialize_IpamDataWithoutPoolGatewayOrAux_OmitsThem()
    {
        // Go's IPAMData.MarshalJSON leaves out a nil Pool, Gateway and AuxAddresses (docs/reference-host.md §3.2).
        var bare = JsonSerializer.Serialize(new IpamData("LocalDefault"), Json.IpamData);
        var emptyAux = JsonSerializer.Serialize(
            new IpamData("LocalDefault", "0.0.0.0/0", null, new Dictionary<string, string>()), Json.IpamData);

        Assert.Equal("""{"AddressSpace":"LocalDefault"}""", bare);
        Assert.Equal("""{"AddressSpace":"LocalDefault","AuxAddresses":{},"Pool":"0.0.0.0/0"}""", emptyAux);
    }

    [Fact]
    public void Serialize_EndpointInterfaceDefaults_WritesEmptyStrings()
    {
        var json = JsonSerializer.Serialize(
            new CreateEndpointRequest("n1", "e1", new EndpointInterface(Address: "172.18.0.3/16"), null),
            Json.CreateEndpointRequest);

        Assert.Equal(
            """{"NetworkID":"n1","EndpointID":"e1","Interface":{"Address":"172.18.0.3/16","AddressIPv6":"","MacAddress":""},"Options":null}""",
            json);
    }

    [Fact]
    public void Serialize_EmptyResponses_WriteEmptyObject()
    {
        Assert.Equal("{}", JsonSerializer.Serialize(new CreateNetworkResponse(), Json.CreateNetworkResponse));
        Assert.Equal("{}", JsonSerializer.Serialize(new ReleasePoolResponse(), Json.ReleasePoolResponse));
        Assert.Equal("""{"DisableGatewayService":false}""", JsonSerializer.Serialize(new JoinResponse(), Json.JoinResponse));
        Assert.Equal("""{"Err":"boom"}""", JsonSerializer.Serialize(new LeaveResponse("boom"), Json.LeaveResponse));
        Assert.Equal("""{"Error":"boom"}""", JsonSerializer.Serialize(new ReleaseAddressResponse("boom"), Json.ReleaseAddressResponse));
    }

    [Fact]
    public void Serialize_NodeDiscoveryNotification_MatchesGoShape()
    {
        var data = JsonSerializer.SerializeToElement(new NodeDiscoveryData("192.168.1.10", "192.168.1.10", Self: true),
            Json.NodeDiscoveryData);

        var json = JsonSerializer.Serialize(new DiscoveryNotification(DiscoveryTypes.NodeDiscovery, data),
            Json.DiscoveryNotification);

        Assert.Null(JsonStructure.FindDifference(GoldenExamples.Read(PluginMethods.Network.DiscoverNew, "request"), json));
    }

    public static TheoryData<string> Responses() => [.. ProtocolMessages.All.Where(m => m.Method != PluginMethods.Activate).Select(m => m.Method)];

    [Theory]
    [MemberData(nameof(Responses))]
    public void ErrorText_ResponseWithItsErrorField_ExposesTheText(string method)
    {
        var typeInfo = ProtocolMessages.For(method).Response;
        var field = method.StartsWith("IpamDriver.", StringComparison.Ordinal) ? "Error" : "Err";

        var response = Assert.IsAssignableFrom<IErrorResponse>(JsonSerializer.Deserialize($$"""{"{{field}}":"boom"}""", typeInfo));
        var success = Assert.IsAssignableFrom<IErrorResponse>(JsonSerializer.Deserialize("{}", typeInfo));

        Assert.Equal("boom", response.ErrorText);
        Assert.Null(success.ErrorText);
    }

    [Theory]
    [MemberData(nameof(Responses))]
    public void ErrorText_ResponseWithTheOtherInterfacesField_IgnoresIt(string method)
    {
        // Network answers carry Err, IPAM answers Error; the reference reads only its own field.
        var typeInfo = ProtocolMessages.For(method).Response;
        var otherField = method.StartsWith("IpamDriver.", StringComparison.Ordinal) ? "Err" : "Error";

        var response = (IErrorResponse)JsonSerializer.Deserialize($$"""{"{{otherField}}":"boom"}""", typeInfo)!;

        Assert.Null(response.ErrorText);
    }

    [Fact]
    public void ErrorText_ErrorFieldInAnyCase_IsRead()
    {
        var network = JsonSerializer.Deserialize("""{"ERR":"bad"}""", Json.DeleteNetworkResponse)!;
        var ipam = JsonSerializer.Deserialize("""{"error":"worse"}""", Json.RequestPoolResponse)!;

        Assert.Equal("bad", ((IErrorResponse)network).ErrorText);
        Assert.Equal("worse", ((IErrorResponse)ipam).ErrorText);
    }

    [Fact]
    public void ProtocolRecords_AllRegistered_AreSealedRecords()
    {
        var types = ProtocolMessages.All.SelectMany(m => new[] { m.Request, m.Response }).OfType<JsonTypeInfo>()
            .Select(t => t.Type).Distinct();

        foreach (var type in types)
        {
            Assert.True(type.IsSealed, $"{type.Name} is not sealed");
            Assert.NotNull(type.GetMethod("<Clone>$")); // the compiler's mark of a record
        }
    }
}
