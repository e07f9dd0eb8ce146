using System.Net;

namespace Cnm.Linux.Firewall;

/// <summary>A published port as the firewall has it now (from its rules' tags), for restore: whose it is and which host port.</summary>
/// <param name="EndpointId">The endpoint that published it.</param>
/// <param name="Protocol"><c>tcp</c>, <c>udp</c> or <c>sctp</c>.</param>
/// <param name="HostPort">The host port.</param>
/// <param name="HostIp">The host address; null for every address.</param>
public sealed record PublishedHostPort(string EndpointId, string Protocol, int HostPort, IPAddress? HostIp);
