namespace Cnm.Daemon.DockerApi;

/// <summary>Docker's <c>network.EndpointIPAMConfig</c>: static addresses.</summary>
internal sealed record EndpointIpamConfig
{
    public string? IPv4Address { get; init; }
    public string? IPv6Address { get; init; }
}
