using System.Net;
using Cnm.Core.Net;

namespace Cnm.Linux.Netlink;

/// <summary>
/// A route, to add or delete or as a dump reports it. A default route has a prefix length of 0; a connected
/// (link) route has <see cref="Scope"/> <see cref="RouteScope.Link"/>, no gateway and an output interface.
/// </summary>
/// <param name="Destination">The destination prefix (host bits are ignored by the kernel).</param>
public sealed record NetlinkRoute(IpPrefix Destination)
{
    /// <summary>The next hop, or null for a directly connected route.</summary>
    public IPAddress? Gateway { get; init; }

    /// <summary>The output interface index, or 0 to let the kernel find it from the gateway.</summary>
    public int OutputInterfaceIndex { get; init; }

    /// <summary>The routing table; 254 is the main table.</summary>
    public int Table { get; init; } = Nl.RtTableMain;

    /// <summary>The scope.</summary>
    public RouteScope Scope { get; init; } = RouteScope.Universe;

    /// <summary>Who installed it (rtm_protocol): 2 kernel, 3 boot, 4 static.</summary>
    public int Protocol { get; init; } = 3;

    /// <summary>The metric (RTA_PRIORITY), or 0.</summary>
    public int Priority { get; init; }

    /// <summary>The route type (rtm_type); 1 is unicast, 2 local, 3 broadcast.</summary>
    public int Type { get; init; } = Nl.RtnUnicast;

    /// <summary>True for a default route (prefix length 0).</summary>
    public bool IsDefault => Destination.PrefixLength == 0;

    /// <summary>A default route via <paramref name="gateway"/>, optionally pinned to an interface.</summary>
    public static NetlinkRoute DefaultVia(IPAddress gateway, int outputInterfaceIndex = 0)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        var any = gateway.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any;
        return new NetlinkRoute(new IpPrefix(any, 0)) { Gateway = gateway, OutputInterfaceIndex = outputInterfaceIndex };
    }

    /// <summary>A link-scope ("connected") route to <paramref name="destination"/> on an interface.</summary>
    public static NetlinkRoute Connected(IpPrefix destination, int outputInterfaceIndex) =>
        new(destination) { OutputInterfaceIndex = outputInterfaceIndex, Scope = RouteScope.Link };
}
