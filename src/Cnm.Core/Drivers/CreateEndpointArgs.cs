using System.Text.Json;

namespace Cnm.Core.Drivers;

/// <summary>What a driver gets to create an endpoint (besides the interface).</summary>
/// <param name="NetworkId">The network.</param>
/// <param name="EndpointId">The 64-hex endpoint id.</param>
/// <param name="Options">The endpoint's generic options (driver options as top-level strings, the MAC as base64 bytes).</param>
public sealed record CreateEndpointArgs(string NetworkId, string EndpointId, IReadOnlyDictionary<string, JsonElement> Options);
