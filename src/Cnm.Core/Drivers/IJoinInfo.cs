using System.Net;
using Cnm.Core.Net;

namespace Cnm.Core.Drivers;

/// <summary>How a driver answers a Join.</summary>
public interface IJoinInfo
{
    /// <summary>Names the host interface to move into the sandbox, and the name prefix it gets there (e.g. <c>eth</c>).</summary>
    void SetInterfaceName(string srcName, string dstPrefix);

    /// <summary>The IPv4 default gateway.</summary>
    void SetGateway(IPAddress gateway);

    /// <summary>The IPv6 default gateway.</summary>
    void SetGatewayIPv6(IPAddress gateway);

    /// <summary>Adds a static route: via <paramref name="nextHop"/> (NEXTHOP) or on-link (CONNECTED, next hop null).</summary>
    void AddStaticRoute(IpPrefix destination, RouteType type, IPAddress? nextHop);

    /// <summary>Keeps this endpoint out of the sandbox's default-gateway choice.</summary>
    void DisableGatewayService();
}
