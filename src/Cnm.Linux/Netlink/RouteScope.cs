namespace Cnm.Linux.Netlink;

/// <summary>The scope of a route (rtm_scope).</summary>
public enum RouteScope : byte
{
    /// <summary>A route through a gateway, or anywhere (RT_SCOPE_UNIVERSE).</summary>
    Universe = 0,

    /// <summary>Interior route (RT_SCOPE_SITE).</summary>
    Site = 200,

    /// <summary>A directly connected destination (RT_SCOPE_LINK).</summary>
    Link = 253,

    /// <summary>A local address (RT_SCOPE_HOST).</summary>
    Host = 254,

    /// <summary>Nowhere (RT_SCOPE_NOWHERE).</summary>
    Nowhere = 255,
}
