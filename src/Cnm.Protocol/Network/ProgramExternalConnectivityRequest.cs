using System.Text.Json;
using System.Text.Json.Serialization;
using Cnm.Protocol.Json;

namespace Cnm.Protocol.Network;

/// <summary>
/// Body of <c>NetworkDriver.ProgramExternalConnectivity</c>, sent when the endpoint becomes the sandbox's
/// gateway endpoint. Every member is written, null ones as <c>null</c>, as Go's encoder does.
/// </summary>
/// <param name="NetworkId">The 64-hex network ID.</param>
/// <param name="EndpointId">The 64-hex endpoint ID.</param>
/// <param name="Options">The sandbox's generic labels (port mappings, exposed ports); values can be any JSON.</param>
public sealed record ProgramExternalConnectivityRequest(
    [property: JsonPropertyName("NetworkID")] string NetworkId,
    [property: JsonPropertyName("EndpointID")] string EndpointId,
    [property: JsonPropertyName("Options"), JsonConverter(typeof(GoOptionsConverter))] IReadOnlyDictionary<string, JsonElement>? Options);
