using System.Net.NetworkInformation;
using Cnm.Core.Net;

namespace Cnm.Core.Model;

/// <summary>An endpoint: one interface in one network. An immutable snapshot.</summary>
public sealed record Endpoint
{
    /// <summary>64-hex id.</summary>
    public required string Id { get; init; }

    /// <summary>Name, unique in the network.</summary>
    public required string Name { get; init; }

    /// <summary>The network.</summary>
    public required string NetworkId { get; init; }

    /// <summary>IPv4 address with prefix length.</summary>
    public IpPrefix? Address { get; init; }

    /// <summary>IPv6 address with prefix length.</summary>
    public IpPrefix? AddressIPv6 { get; init; }

    /// <summary>MAC address.</summary>
    public PhysicalAddress? MacAddress { get; init; }

    /// <summary>IPAM pool of <see cref="Address"/>.</summary>
    public string? PoolId { get; init; }

    /// <summary>IPAM pool of <see cref="AddressIPv6"/>.</summary>
    public string? PoolIdIPv6 { get; init; }

    /// <summary>What the user asked for.</summary>
    public required EndpointCreateOptions Options { get; init; }

    /// <summary>The sandbox it is joined to.</summary>
    public string? SandboxId { get; init; }

    /// <summary>The driver's Join answer while joined.</summary>
    public JoinResult? Join { get; init; }

    /// <summary>Creation time.</summary>
    public DateTimeOffset Created { get; init; }

    /// <summary>Lifecycle state.</summary>
    public ObjectState State { get; init; }
}
