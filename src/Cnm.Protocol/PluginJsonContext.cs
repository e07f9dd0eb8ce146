using System.Text.Json.Serialization;
using Cnm.Protocol.Ipam;
using Cnm.Protocol.Network;
using Cnm.Protocol.Plugin;

namespace Cnm.Protocol;

/// <summary>
/// The one source-generated JSON context for plugin traffic. Property names are the Go field
/// names, pinned on each record; reads match keys case-insensitively, as the reference host does.
/// Plugin traffic never goes through ASP.NET's camelCase defaults.
/// </summary>
/// <remarks>
/// Emit rules (spec/plugin-protocol.md, section 2 "JSON encoding"): requests write every member, null maps and lists as
/// <c>null</c>, as Go's encoder does, except <see cref="IpamData"/> which leaves out unset
/// <c>Pool</c>/<c>Gateway</c>/<c>AuxAddresses</c> like Go's custom marshaller. Responses leave out null
/// members (the host reads a missing member as its zero value), so an empty success is <c>{}</c>.
/// Records write their members in declaration order, as Go writes a struct; what is a map in Go (options,
/// <c>Data</c>, <c>AuxAddresses</c>, <see cref="IpamData"/> itself) is written with its keys sorted, at every depth,
/// by the converters this context applies. Only <see cref="GoJson"/> also escapes strings as Go does: the plain
/// <see cref="System.Text.Json.JsonSerializer"/> with this context uses the default encoder.
/// </remarks>
[JsonSourceGenerationOptions(
    PropertyNameCaseInsensitive = true,
    NumberHandling = JsonNumberHandling.Strict,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip)]
[JsonSerializable(typeof(ActivateResponse))]
// NetworkDriver.*
[JsonSerializable(typeof(NetworkCapabilitiesResponse))]
[JsonSerializable(typeof(CreateNetworkRequest))]
[JsonSerializable(typeof(CreateNetworkResponse))]
[JsonSerializable(typeof(AllocateNetworkRequest))]
[JsonSerializable(typeof(AllocateNetworkResponse))]
[JsonSerializable(typeof(DeleteNetworkRequest))]
[JsonSerializable(typeof(DeleteNetworkResponse))]
[JsonSerializable(typeof(FreeNetworkRequest))]
[JsonSerializable(typeof(FreeNetworkResponse))]
[JsonSerializable(typeof(CreateEndpointRequest))]
[JsonSerializable(typeof(CreateEndpointResponse))]
[JsonSerializable(typeof(EndpointOperInfoRequest))]
[JsonSerializable(typeof(EndpointOperInfoResponse))]
[JsonSerializable(typeof(DeleteEndpointRequest))]
[JsonSerializable(typeof(DeleteEndpointResponse))]
[JsonSerializable(typeof(JoinRequest))]
[JsonSerializable(typeof(JoinResponse))]
[JsonSerializable(typeof(LeaveRequest))]
[JsonSerializable(typeof(LeaveResponse))]
[JsonSerializable(typeof(DiscoveryNotification))]
[JsonSerializable(typeof(DiscoveryResponse))]
[JsonSerializable(typeof(ProgramExternalConnectivityRequest))]
[JsonSerializable(typeof(ProgramExternalConnectivityResponse))]
[JsonSerializable(typeof(RevokeExternalConnectivityRequest))]
[JsonSerializable(typeof(RevokeExternalConnectivityResponse))]
[JsonSerializable(typeof(IpamData))]
[JsonSerializable(typeof(EndpointInterface))]
[JsonSerializable(typeof(InterfaceName))]
[JsonSerializable(typeof(StaticRoute))]
[JsonSerializable(typeof(NodeDiscoveryData))]
// IpamDriver.*
[JsonSerializable(typeof(IpamCapabilitiesResponse))]
[JsonSerializable(typeof(GetDefaultAddressSpacesResponse))]
[JsonSerializable(typeof(RequestPoolRequest))]
[JsonSerializable(typeof(RequestPoolResponse))]
[JsonSerializable(typeof(ReleasePoolRequest))]
[JsonSerializable(typeof(ReleasePoolResponse))]
[JsonSerializable(typeof(RequestAddressRequest))]
[JsonSerializable(typeof(RequestAddressResponse))]
[JsonSerializable(typeof(ReleaseAddressRequest))]
[JsonSerializable(typeof(ReleaseAddressResponse))]
public sealed partial class PluginJsonContext : JsonSerializerContext;
