using System.Net.NetworkInformation;
using Cnm.Core.Control;
using Cnm.Core.Drivers;
using Cnm.Core.Errors;
using Cnm.Core.Model;
using Endpoint = Cnm.Core.Model.Endpoint;

namespace Cnm.Daemon.NativeApi;

/// <summary>Builds the native endpoint resource from the controller's snapshot.</summary>
internal static class EndpointMapper
{
    public static NativeEndpointResource ToResource(Endpoint endpoint, Controller controller)
    {
        Network? network = null;
        try
        {
            network = controller.GetNetwork(endpoint.NetworkId);
        }
        catch (CnmException)
        {
            // deleted meanwhile: still describe the endpoint
        }

        ObjectReference? sandbox = null;
        if (endpoint.SandboxId is { } sandboxId)
        {
            try
            {
                sandbox = new ObjectReference(sandboxId, controller.GetSandbox(sandboxId).Name);
            }
            catch (CnmException)
            {
                sandbox = new ObjectReference(sandboxId, "");
            }
        }

        return new NativeEndpointResource
        {
            Id = endpoint.Id,
            Name = endpoint.Name,
            Network = new ObjectReference(endpoint.NetworkId, network?.Name ?? ""),
            Driver = network?.Driver ?? "",
            NetworkStatus = network is null ? null : CnmStatusResource.From(controller.GetAvailability(network)),
            Sandbox = sandbox,
            Interface = new EndpointInterfaceResource(endpoint.Address?.ToString(), endpoint.AddressIPv6?.ToString(),
                endpoint.MacAddress is { } mac ? FormatMac(mac) : null),
            State = endpoint.State.ToString().ToLowerInvariant(),
            Options = new(endpoint.Options.DriverOptions, StringComparer.Ordinal),
            Aliases = [.. endpoint.Options.Aliases],
            Join = endpoint.Join is { } join ? new EndpointJoinResource(join.SrcName, join.DstPrefix, join.Gateway?.ToString(),
                join.GatewayIPv6?.ToString(),
                [.. join.StaticRoutes.Select(r => new StaticRouteResource(r.Destination.ToString(),
                    r.Type == RouteType.Connected ? "connected" : "nexthop", r.NextHop?.ToString()))],
                join.DisableGatewayService) : null,
            Created = ApiTime.Format(endpoint.Created),
        };
    }

    private static string FormatMac(PhysicalAddress mac) =>
        string.Join(':', mac.GetAddressBytes().Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
}
