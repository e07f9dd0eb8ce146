namespace Cnm.Daemon.DockerApi;

/// <summary>Docker's <c>network.EndpointResource</c>: one entry of a network's <c>Containers</c>.</summary>
internal sealed record EndpointResource(string Name, string EndpointID, string MacAddress, string IPv4Address, string IPv6Address);
