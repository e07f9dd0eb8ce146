namespace Cnm.Core.Drivers;

/// <summary>Kind of a static route (docs/reference-host.md §3.8: 0 is NEXTHOP, anything else CONNECTED).</summary>
public enum RouteType
{
    /// <summary>Routed through a next hop.</summary>
    NextHop = 0,
    /// <summary>Directly on the endpoint's link.</summary>
    Connected = 1,
}
