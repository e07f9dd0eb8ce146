using System.Net.Sockets;
using Cnm.Linux.Firewall;

namespace Cnm.Linux.Drivers.Bridge;

/// <summary>
/// The published ports of one endpoint: the mappings the firewall got, and the sockets that hold their host ports
/// so that no other program takes them while they are published (closed on revoke).
/// </summary>
internal sealed class PublishedPorts(IReadOnlyList<PortMapping> mappings, IReadOnlyList<Socket> holders) : IDisposable
{
    public IReadOnlyList<PortMapping> Mappings { get; } = mappings;

    public void Dispose()
    {
        foreach (var socket in holders)
        {
            socket.Dispose();
        }
    }
}
