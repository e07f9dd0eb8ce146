namespace Cnm.Daemon.DockerApi.Containers;

/// <summary>The static addresses a connect asked for (Docker's <c>EndpointIPAMConfig</c>); absent when none were.</summary>
internal sealed record ContainerIpamConfig(string? IPv4Address, string? IPv6Address);
