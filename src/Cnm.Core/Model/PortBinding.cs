namespace Cnm.Core.Model;

/// <summary>
/// A published port as drivers receive it in <c>com.docker.network.portmap</c>, libnetwork's <c>types.PortBinding</c>:
/// the container side (protocol number, port, and the container IP, which the host leaves empty) and the host side
/// (address, empty for every address, and the port range; 0 asks the driver to choose).
/// </summary>
public sealed record PortBinding
{
    /// <summary>The IP protocol number (6 tcp, 17 udp, 132 sctp).</summary>
    public required byte Proto { get; init; }

    /// <summary>The container IP; empty, as the reference host sends it.</summary>
    public string IP { get; init; } = "";

    /// <summary>The container port.</summary>
    public required ushort Port { get; init; }

    /// <summary>The host address to bind; empty for every address.</summary>
    public string HostIP { get; init; } = "";

    /// <summary>The first host port; 0 when the driver chooses.</summary>
    public ushort HostPort { get; init; }

    /// <summary>The last host port of the range; equal to <see cref="HostPort"/> for one port.</summary>
    public ushort HostPortEnd { get; init; }
}
