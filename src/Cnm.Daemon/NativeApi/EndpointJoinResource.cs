namespace Cnm.Daemon.NativeApi;

/// <summary>What the driver answered to Join, while the endpoint is joined.</summary>
internal sealed record EndpointJoinResource(string SrcName, string DstPrefix, string? Gateway, string? GatewayIPv6,
    List<StaticRouteResource> StaticRoutes, bool DisableGatewayService);
