using Cnm.Core.Model;

namespace Cnm.Linux.Sandboxes;

/// <summary>What the provider remembers of one sandbox: its id and options, and the endpoints joined, in join order.</summary>
internal sealed class SandboxState(string id, SandboxCreateOptions options)
{
    public string Id { get; } = id;

    public SandboxCreateOptions Options { get; } = options;

    /// <summary>Serialises joins and leaves of this sandbox.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>Joined endpoints, in join order, with their Join when this process saw it (not after a restore).</summary>
    public List<(string EndpointId, JoinResult? Join)> Joined { get; } = [];

    /// <summary>The endpoint whose gateways are the default routes, or null.</summary>
    public string? GatewayEndpointId { get; set; }
}
