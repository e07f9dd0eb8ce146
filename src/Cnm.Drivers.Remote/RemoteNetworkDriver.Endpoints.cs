using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using Cnm.Core.Drivers;
using Cnm.Core.Errors;
using Cnm.Core.Net;
using Cnm.Protocol;
using Cnm.Protocol.Network;

namespace Cnm.Drivers.Remote;

internal sealed partial class RemoteNetworkDriver
{
    /// <summary>
    /// CreateEndpoint with the interface as it stands. Each field of the answer may only fill a field that
    /// is still empty (docs/reference-host.md §3.5); an answer that does not parse, or that would change a field set
    /// before, is rolled back with DeleteEndpoint and rejected (docs/decisions.md, "CreateEndpoint reply").
    /// </summary>
    public async Task CreateEndpointAsync(CreateEndpointArgs request, IEndpointInterface endpointInterface,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(endpointInterface);
        var sent = new EndpointInterface(
            endpointInterface.Address?.ToString() ?? "",
            endpointInterface.AddressIPv6?.ToString() ?? "",
            endpointInterface.MacAddress is { } mac ? FormatMac(mac) : "");
        var reply = await plugin.CallAsync(PluginMethods.Network.CreateEndpoint,
            new CreateEndpointRequest(request.NetworkId, request.EndpointId, sent, request.Options),
            Json.CreateEndpointRequest, Json.CreateEndpointResponse, cancellationToken).ConfigureAwait(false);
        if (reply.Interface is not { } answer)
        {
            return;
        }

        try
        {
            if (answer.MacAddress.Length > 0)
            {
                endpointInterface.SetMacAddress(ParseMac(answer.MacAddress));
            }

            if (answer.Address.Length > 0)
            {
                endpointInterface.SetAddress(ParseCidr("Interface.Address", answer.Address));
            }

            if (answer.AddressIPv6.Length > 0)
            {
                endpointInterface.SetAddress(ParseCidr("Interface.AddressIPv6", answer.AddressIPv6));
            }
        }
        catch (CnmException ex)
        {
            var rolledBack = await TryAsync(() => DeleteEndpointAsync(request.NetworkId, request.EndpointId, CancellationToken.None))
                .ConfigureAwait(false);
            throw new CnmException(ex.Category,
                $"plugin \"{Name}\" {PluginMethods.Network.CreateEndpoint}: bad reply ({ex.Message}); " +
                (rolledBack is null ? "rolled back" : $"failed to roll back: {rolledBack.Message}"), ex)
            {
                Plugin = Name,
                Method = PluginMethods.Network.CreateEndpoint,
            };
        }
    }

    /// <summary>
    /// Join, and the answer read in the reference's order. An answer that does not parse is rolled back
    /// with Leave (the reference sends none: docs/decisions.md, "endpoint and join rollback").
    /// </summary>
    public async Task JoinAsync(JoinArgs request, IJoinInfo joinInfo, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(joinInfo);
        var reply = await plugin.CallAsync(PluginMethods.Network.Join,
            new JoinRequest(request.NetworkId, request.EndpointId, request.SandboxKey, request.Options),
            Json.JoinRequest, Json.JoinResponse, cancellationToken).ConfigureAwait(false);
        try
        {
            var gateway = string.IsNullOrEmpty(reply.Gateway) ? null : ParseIp("Gateway", reply.Gateway);
            var gateway6 = string.IsNullOrEmpty(reply.GatewayIPv6) ? null : ParseIp("GatewayIPv6", reply.GatewayIPv6);
            var routes = (reply.StaticRoutes ?? []).Select(ParseRoute).ToList();

            if (reply.InterfaceName is { } name)
            {
                joinInfo.SetInterfaceName(name.SrcName, name.DstPrefix); // DstName is ignored, as in the reference
            }

            if (gateway is not null)
            {
                joinInfo.SetGateway(gateway);
            }

            if (gateway6 is not null)
            {
                joinInfo.SetGatewayIPv6(gateway6);
            }

            foreach (var (destination, type, nextHop) in routes)
            {
                joinInfo.AddStaticRoute(destination, type, nextHop);
            }

            if (reply.DisableGatewayService)
            {
                joinInfo.DisableGatewayService();
            }
        }
        catch (CnmException ex)
        {
            var rolledBack = await TryAsync(() => LeaveAsync(request.NetworkId, request.EndpointId, CancellationToken.None))
                .ConfigureAwait(false);
            throw new CnmException(ex.Category,
                $"plugin \"{Name}\" {PluginMethods.Network.Join}: bad reply ({ex.Message}); " +
                (rolledBack is null ? "left again" : $"and Leave failed too: {rolledBack.Message}"), ex)
            {
                Plugin = Name,
                Method = PluginMethods.Network.Join,
            };
        }
    }

    private static (IpPrefix Destination, RouteType Type, IPAddress? NextHop) ParseRoute(StaticRoute route, int index)
    {
        if (string.IsNullOrEmpty(route.Destination))
        {
            throw CnmException.InvalidParameter($"StaticRoutes[{index}] has no Destination");
        }

        var destination = ParseCidr($"StaticRoutes[{index}].Destination", route.Destination);
        // Only 0 means NEXTHOP; any other value is CONNECTED, as in the reference (docs/reference-host.md §3.8).
        var type = route.RouteType == RouteTypes.NextHop ? RouteType.NextHop : RouteType.Connected;
        var nextHop = string.IsNullOrEmpty(route.NextHop) ? null : ParseIp($"StaticRoutes[{index}].NextHop", route.NextHop);
        if (type == RouteType.NextHop && nextHop is null)
        {
            throw CnmException.InvalidParameter($"StaticRoutes[{index}] is a NEXTHOP route without NextHop");
        }

        return (destination, type, nextHop);
    }

    private static IpPrefix ParseCidr(string field, string value) =>
        IpPrefix.TryParse(value, out var prefix) ? prefix
            : throw CnmException.InvalidParameter($"{field} \"{value}\" is not an address with a prefix length");

    private static IPAddress ParseIp(string field, string value) =>
        !value.Contains('/', StringComparison.Ordinal) && IPAddress.TryParse(value, out var ip) ? ip
            : throw CnmException.InvalidParameter($"unable to parse {field} \"{value}\": expected a plain IP address");

    private static PhysicalAddress ParseMac(string value)
    {
        var parts = value.Split(':');
        if (parts.Length != 6 || !parts.All(p => p.Length == 2 && byte.TryParse(p, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out _)))
        {
            throw CnmException.InvalidParameter($"Interface.MacAddress \"{value}\" is not a MAC address like 02:42:ac:11:00:02");
        }

        return new PhysicalAddress([.. parts.Select(p => byte.Parse(p, NumberStyles.HexNumber, CultureInfo.InvariantCulture))]);
    }

    private static string FormatMac(PhysicalAddress mac) =>
        string.Join(':', mac.GetAddressBytes().Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));

    private static async Task<Exception?> TryAsync(Func<Task> undo)
    {
        try
        {
            await undo().ConfigureAwait(false);
            return null;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return ex;
        }
    }
}
