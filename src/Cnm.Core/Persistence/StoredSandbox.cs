using Cnm.Core.Model;

namespace Cnm.Core.Persistence;

/// <summary>A sandbox as stored under <c>cnm/v1/sandboxes/&lt;id&gt;</c>.</summary>
internal sealed record StoredSandbox
{
    public required string Id { get; init; }

    public required string Name { get; init; }

    public required string Key { get; init; }

    public required SandboxCreateOptions Options { get; init; }

    public List<string> EndpointIds { get; init; } = [];

    public string? GatewayEndpointId { get; init; }
}
