using System.Net;

namespace Cnm.Core.Model;

/// <summary>What the driver answered to Join.</summary>
public sealed record JoinResult
{
    /// <summary>Host interface to move into the sandbox; empty when the driver moves nothing.</summary>
    public string SrcName { get; init; } = "";

    /// <summary>Name prefix inside the sandbox (e.g. <c>eth</c>).</summary>
    public string DstPrefix { get; init; } = "";

    /// <summary>IPv4 gateway.</summary>
    public IPAddress? Gateway { get; init; }

    /// <summary>IPv6 gateway.</summary>
    public IPAddress? GatewayIPv6 { get; init; }

    /// <summary>Static routes.</summary>
    public IReadOnlyList<StaticRouteInfo> StaticRoutes { get; init; } = [];

    /// <summary>The endpoint takes no part in the default-gateway choice.</summary>
    public bool DisableGatewayService { get; init; }
}
