using System.Net.NetworkInformation;

namespace Cnm.Linux.Netlink;

/// <summary>A network interface as an RTM_GETLINK dump reports it.</summary>
/// <param name="Index">The interface index (unique in its namespace).</param>
/// <param name="Name">The interface name.</param>
public sealed record NetlinkLink(int Index, string Name)
{
    /// <summary>The link kind (<c>veth</c>, <c>bridge</c>, <c>macvlan</c>, <c>vxlan</c>…), or null for physical and loopback links.</summary>
    public string? Kind { get; init; }

    /// <summary>The hardware address, or null when the link has none.</summary>
    public PhysicalAddress? MacAddress { get; init; }

    /// <summary>The MTU.</summary>
    public int Mtu { get; init; }

    /// <summary>The IFF_* flags.</summary>
    public uint Flags { get; init; }

    /// <summary>True when administratively up (IFF_UP).</summary>
    public bool IsUp => (Flags & Nl.IffUp) != 0;

    /// <summary>The index of the master (bridge) it is enslaved to, or 0.</summary>
    public int MasterIndex { get; init; }

    /// <summary>The index of the parent or peer link (IFLA_LINK), or 0; for a veth whose peer is in another namespace, an index there.</summary>
    public int LinkIndex { get; init; }

    /// <summary>The interface alias (IFLA_IFALIAS), or null.</summary>
    public string? Alias { get; init; }
}
