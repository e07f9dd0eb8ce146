using System.Text.Json.Serialization;

namespace Cnm.Protocol.Network;

/// <summary>Body of <c>NetworkDriver.DeleteEndpoint</c>.</summary>
/// <param name="NetworkId">The 64-hex network ID.</param>
/// <param name="EndpointId">The 64-hex endpoint ID.</param>
public sealed record DeleteEndpointRequest(
    [property: JsonPropertyName("NetworkID")] string NetworkId,
    [property: JsonPropertyName("EndpointID")] string EndpointId);
