using System.Text.Json.Serialization;

namespace Cnm.Protocol.Network;

/// <summary>Body of <c>NetworkDriver.Leave</c>, sent while the interface is still in the sandbox.</summary>
/// <param name="NetworkId">The 64-hex network ID.</param>
/// <param name="EndpointId">The 64-hex endpoint ID.</param>
public sealed record LeaveRequest(
    [property: JsonPropertyName("NetworkID")] string NetworkId,
    [property: JsonPropertyName("EndpointID")] string EndpointId);
