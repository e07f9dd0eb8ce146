namespace Cnm.Core.Model;

/// <summary>A sandbox (a network namespace). An immutable snapshot.</summary>
public sealed record Sandbox
{
    /// <summary>64-hex id.</summary>
    public required string Id { get; init; }

    /// <summary>The name; the container id unless given.</summary>
    public required string Name { get; init; }

    /// <summary>The namespace path, given to drivers as SandboxKey.</summary>
    public required string Key { get; init; }

    /// <summary>What the user asked for.</summary>
    public required SandboxCreateOptions Options { get; init; }

    /// <summary>Joined endpoints, in join order.</summary>
    public IReadOnlyList<string> EndpointIds { get; init; } = [];

    /// <summary>The endpoint providing the default gateway, if any.</summary>
    public string? GatewayEndpointId { get; init; }

    /// <summary>Lifecycle state.</summary>
    public ObjectState State { get; init; }
}
