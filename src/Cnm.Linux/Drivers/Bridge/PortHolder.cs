using System.Net;
using System.Net.Sockets;
using Cnm.Core.Errors;

namespace Cnm.Linux.Drivers.Bridge;

/// <summary>
/// Holds a published host port with a socket bound in the host namespace (a listening one for TCP), so that a port
/// another program has taken gives a clear error at publish time, and no program takes it while it is published.
/// Port 0 lets the kernel choose; a range takes its first free port.
/// </summary>
internal static class PortHolder
{
    public static (Socket Socket, int Port) Hold(PortRequest request, IPAddress? defaultHostIp, string what)
    {
        var address = request.HostIp ?? defaultHostIp ?? IPAddress.Any;
        var first = request.HostPort;
        var last = request.HostPort == 0 ? 0 : request.HostPortEnd;
        SocketException? failure = null;
        for (var port = first; port <= last; port++)
        {
            var socket = Open(request.Protocol, address);
            try
            {
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, false);
                socket.Bind(new IPEndPoint(address, port));
                if (socket.SocketType == SocketType.Stream)
                {
                    socket.Listen(1);
                }

                return (socket, ((IPEndPoint)socket.LocalEndPoint!).Port);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                failure = ex;
                if (ex.SocketErrorCode != SocketError.AddressAlreadyInUse)
                {
                    break;
                }
            }
        }

        var range = first == last ? $"{address}:{first}" : $"{address}:{first}-{last}";
        if (failure?.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw CnmException.Conflict($"{what}: cannot publish {request}: host port {request.Protocol} {range} is already in use");
        }

        throw CnmException.InvalidParameter($"{what}: cannot publish {request}: cannot bind host port {request.Protocol} {range}: {failure?.Message}");
    }

    private static Socket Open(string protocol, IPAddress address) => protocol switch
    {
        "udp" => new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp),
        "sctp" => new Socket(address.AddressFamily, SocketType.Stream, (ProtocolType)132),
        _ => new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp),
    };
}
