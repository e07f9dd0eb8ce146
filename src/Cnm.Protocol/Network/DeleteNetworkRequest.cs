using System.Text.Json.Serialization;

namespace Cnm.Protocol.Network;

/// <summary>Body of <c>NetworkDriver.DeleteNetwork</c>.</summary>
/// <param name="NetworkId">The 64-hex network ID.</param>
public sealed record DeleteNetworkRequest(
    [property: JsonPropertyName("NetworkID")] string NetworkId);
