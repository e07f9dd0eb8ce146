using System.Text.Json;
using System.Text.Json.Serialization;
using Cnm.Protocol.Json;

namespace Cnm.Protocol.Network;

/// <summary>
/// Body of <c>NetworkDriver.Join</c>, sent before the interface is moved into the sandbox.
/// Every member is written, null ones as <c>null</c>, as Go's encoder does.
/// </summary>
/// <param name="NetworkId">The 64-hex network ID.</param>
/// <param name="EndpointId">The 64-hex endpoint ID.</param>
/// <param name="SandboxKey">The sandbox's network namespace path, e.g. <c>/var/run/docker/netns/1a2b3c4d5e6f</c>.</param>
/// <param name="Options">
/// The sandbox's generic labels (not the endpoint's driver options); values can be any JSON.
/// </param>
public sealed record JoinRequest(
    [property: JsonPropertyName("NetworkID")] string NetworkId,
    [property: JsonPropertyName("EndpointID")] string EndpointId,
    [property: JsonPropertyName("SandboxKey")] string SandboxKey,
    [property: JsonPropertyName("Options"), JsonConverter(typeof(GoOptionsConverter))] IReadOnlyDictionary<string, JsonElement>? Options);
