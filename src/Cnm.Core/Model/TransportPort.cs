namespace Cnm.Core.Model;

/// <summary>
/// An exposed port as drivers receive it in <c>com.docker.network.endpoint.exposedports</c>: the IP protocol
/// number (6 tcp, 17 udp, 132 sctp) and the container port, libnetwork's <c>types.TransportPort</c>.
/// </summary>
/// <param name="Proto">The IP protocol number.</param>
/// <param name="Port">The container port.</param>
public sealed record TransportPort(byte Proto, ushort Port);
