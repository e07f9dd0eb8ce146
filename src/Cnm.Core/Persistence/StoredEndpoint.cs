using Cnm.Core.Model;

namespace Cnm.Core.Persistence;

/// <summary>An endpoint as stored under <c>cnm/v1/endpoints/&lt;id&gt;</c>: its interface, network and sandbox binding.</summary>
internal sealed record StoredEndpoint
{
    public required string Id { get; init; }

    public required string Name { get; init; }

    public required string NetworkId { get; init; }

    public string? Address { get; init; }

    public string? AddressIPv6 { get; init; }

    public string? MacAddress { get; init; }

    public string? PoolId { get; init; }

    public string? PoolIdIPv6 { get; init; }

    public required EndpointCreateOptions Options { get; init; }

    public string? SandboxId { get; init; }

    public StoredJoin? Join { get; init; }

    public DateTimeOffset Created { get; init; }
}
