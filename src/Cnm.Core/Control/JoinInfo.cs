using System.Net;
using Cnm.Core.Drivers;
using Cnm.Core.Model;
using Cnm.Core.Net;

namespace Cnm.Core.Control;

/// <summary>Collects a driver's Join answer.</summary>
internal sealed class JoinInfo : IJoinInfo
{
    private readonly List<StaticRouteInfo> _routes = [];
    private JoinResult _result = new();

    public JoinResult Result => _result with { StaticRoutes = [.. _routes] };

    public void SetInterfaceName(string srcName, string dstPrefix) =>
        _result = _result with { SrcName = srcName ?? "", DstPrefix = dstPrefix ?? "" };

    public void SetGateway(IPAddress gateway) => _result = _result with { Gateway = gateway };

    public void SetGatewayIPv6(IPAddress gateway) => _result = _result with { GatewayIPv6 = gateway };

    public void AddStaticRoute(IpPrefix destination, RouteType type, IPAddress? nextHop) =>
        _routes.Add(new StaticRouteInfo(destination, type, nextHop));

    public void DisableGatewayService() => _result = _result with { DisableGatewayService = true };
}
