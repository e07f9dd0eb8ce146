using Cnm.Core.Model;

namespace Cnm.Core.Persistence;

/// <summary>A network as stored under <c>cnm/v1/networks/&lt;id&gt;</c> (spec/store.md, "What is persisted").</summary>
internal sealed record StoredNetwork
{
    public required string Id { get; init; }

    public required string Name { get; init; }

    public required string Driver { get; init; }

    public required string Scope { get; init; }

    public required string IpamDriver { get; init; }

    public string AddressSpace { get; init; } = "";

    public required NetworkCreateOptions Options { get; init; }

    public List<StoredPool> IPv4Pools { get; init; } = [];

    public List<StoredPool> IPv6Pools { get; init; } = [];

    public DateTimeOffset Created { get; init; }
}
