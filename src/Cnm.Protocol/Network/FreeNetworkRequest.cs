using System.Text.Json.Serialization;

namespace Cnm.Protocol.Network;

/// <summary>Body of <c>NetworkDriver.FreeNetwork</c>, sent by a swarm manager (never by the 20.10 controller).</summary>
/// <param name="NetworkId">The 64-hex network ID.</param>
public sealed record FreeNetworkRequest(
    [property: JsonPropertyName("NetworkID")] string NetworkId);
