namespace Cnm.Linux.Drivers.Bridge;

/// <summary>A published port as EndpointOperInfo shows it (<c>com.docker.network.portmap</c>, the reference's types.PortBinding).</summary>
internal sealed record PublishedPort(int Proto, string IP, int Port, string HostIP, int HostPort, int HostPortEnd);
