using System.Text.Json;

namespace Cnm.Core.Drivers;

/// <summary>What a driver gets to join an endpoint to a sandbox.</summary>
/// <param name="NetworkId">The network.</param>
/// <param name="EndpointId">The endpoint.</param>
/// <param name="SandboxKey">The sandbox's network-namespace path.</param>
/// <param name="Options">The sandbox's generic options (docs/reference-host.md §3.8).</param>
public sealed record JoinArgs(string NetworkId, string EndpointId, string SandboxKey, IReadOnlyDictionary<string, JsonElement> Options);
