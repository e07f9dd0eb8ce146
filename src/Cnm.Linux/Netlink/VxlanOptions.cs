using System.Net;

namespace Cnm.Linux.Netlink;

/// <summary>What a vxlan link is created with.</summary>
/// <param name="Vni">The VXLAN network identifier (24 bits).</param>
public sealed record VxlanOptions(uint Vni)
{
    /// <summary>The UDP destination port; 4789 is the IANA port.</summary>
    public ushort Port { get; init; } = 4789;

    /// <summary>The local tunnel address, or null.</summary>
    public IPAddress? Local { get; init; }

    /// <summary>The multicast group or remote peer, or null.</summary>
    public IPAddress? Group { get; init; }

    /// <summary>The index of the underlying interface, or 0.</summary>
    public int ParentIndex { get; init; }

    /// <summary>Learn remote MACs from received packets (default on, as the kernel).</summary>
    public bool Learning { get; init; } = true;
}
