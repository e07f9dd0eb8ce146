using System.Net;

namespace Cnm.Linux.Firewall;

/// <summary>One published port of an endpoint: host address and port to the endpoint's address and port.</summary>
/// <param name="Protocol"><c>tcp</c>, <c>udp</c> or <c>sctp</c>.</param>
/// <param name="HostIp">The host address the port is published on; null for every address.</param>
/// <param name="HostPort">The host port, already chosen (never 0).</param>
/// <param name="ContainerIp">The endpoint's address.</param>
/// <param name="ContainerPort">The port inside the sandbox.</param>
public sealed record PortMapping(string Protocol, IPAddress? HostIp, int HostPort, IPAddress ContainerIp, int ContainerPort);
