using System.Net;
using Cnm.Core.Drivers;
using Cnm.Core.Net;

namespace Cnm.Core.Model;

/// <summary>A static route a driver asked for at Join.</summary>
/// <param name="Destination">The destination prefix.</param>
/// <param name="Type">NEXTHOP or CONNECTED.</param>
/// <param name="NextHop">The next hop for NEXTHOP routes.</param>
public sealed record StaticRouteInfo(IpPrefix Destination, RouteType Type, IPAddress? NextHop);
