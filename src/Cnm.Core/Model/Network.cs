using Cnm.Core.Drivers;

namespace Cnm.Core.Model;

/// <summary>A network: an immutable snapshot. The controller replaces it when it changes.</summary>
public sealed record Network
{
    /// <summary>64-hex id.</summary>
    public required string Id { get; init; }

    /// <summary>Unique name.</summary>
    public required string Name { get; init; }

    /// <summary>Network driver name.</summary>
    public required string Driver { get; init; }

    /// <summary>The driver's data scope when the network was created.</summary>
    public DriverScope Scope { get; init; }

    /// <summary>IPAM driver name.</summary>
    public required string IpamDriver { get; init; }

    /// <summary>The IPAM address space of the pools.</summary>
    public string AddressSpace { get; init; } = "";

    /// <summary>What the user asked for.</summary>
    public required NetworkCreateOptions Options { get; init; }

    /// <summary>Allocated IPv4 pools, in configuration order.</summary>
    public IReadOnlyList<NetworkPool> IPv4Pools { get; init; } = [];

    /// <summary>Allocated IPv6 pools, in configuration order.</summary>
    public IReadOnlyList<NetworkPool> IPv6Pools { get; init; } = [];

    /// <summary>Creation time.</summary>
    public DateTimeOffset Created { get; init; }

    /// <summary>Lifecycle state.</summary>
    public ObjectState State { get; init; }
}
