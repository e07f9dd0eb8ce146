namespace Cnm.Protocol.Network;

/// <summary>Values of <see cref="StaticRoute.RouteType"/>.</summary>
public static class RouteTypes
{
    /// <summary>A route through <see cref="StaticRoute.NextHop"/>.</summary>
    public const int NextHop = 0;

    /// <summary>
    /// A directly connected route on the endpoint's interface; <see cref="StaticRoute.NextHop"/> is ignored.
    /// The reference treats every value other than <see cref="NextHop"/> this way.
    /// </summary>
    public const int Connected = 1;
}
