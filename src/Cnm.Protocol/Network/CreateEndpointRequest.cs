using System.Text.Json;
using System.Text.Json.Serialization;
using Cnm.Protocol.Json;

namespace Cnm.Protocol.Network;

/// <summary>
/// Body of <c>NetworkDriver.CreateEndpoint</c>, sent after the IPAM assigned the endpoint's addresses.
/// Every member is written, null ones as <c>null</c>, as Go's encoder does.
/// </summary>
/// <param name="NetworkId">The 64-hex network ID.</param>
/// <param name="EndpointId">The 64-hex endpoint ID.</param>
/// <param name="Interface">
/// What the host already assigned; the reference always sends an object, with empty strings for unset fields.
/// </param>
/// <param name="Options">
/// The endpoint's generic options, such as <c>com.docker.network.endpoint.exposedports</c>,
/// <c>com.docker.network.portmap</c>, <c>com.docker.network.endpoint.macaddress</c> (base64 bytes) and
/// per-endpoint driver options as string entries. Values can be any JSON.
/// </param>
public sealed record CreateEndpointRequest(
    [property: JsonPropertyName("NetworkID")] string NetworkId,
    [property: JsonPropertyName("EndpointID")] string EndpointId,
    [property: JsonPropertyName("Interface")] EndpointInterface? Interface,
    [property: JsonPropertyName("Options"), JsonConverter(typeof(GoOptionsConverter))] IReadOnlyDictionary<string, JsonElement>? Options);
