using Cnm.Core.Control;
using Cnm.Core.Errors;
using Cnm.Core.Model;
using Endpoint = Cnm.Core.Model.Endpoint;

namespace Cnm.Daemon.NativeApi;

/// <summary>
/// Finds the endpoint a native route names: <c>NETWORK/NAME</c>, the id, a name that only one network has, or a
/// unique id prefix. Endpoint names are unique only within a network, so a name two networks share is refused
/// as ambiguous instead of picking one.
/// </summary>
internal static class EndpointLookup
{
    public static Endpoint Find(Controller controller, string? reference)
    {
        if (string.IsNullOrWhiteSpace(reference))
        {
            throw CnmException.InvalidParameter("no endpoint given: an endpoint id, name or NETWORK/NAME is required");
        }

        // Routing leaves an escaped slash escaped; names and ids never contain '%', so unescaping is safe.
        if (reference.Contains('%', StringComparison.Ordinal))
        {
            reference = Uri.UnescapeDataString(reference);
        }

        var slash = reference.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            var (network, name) = (reference[..slash], reference[(slash + 1)..]);
            if (network.Length == 0 || name.Length == 0)
            {
                throw CnmException.InvalidParameter($"invalid endpoint reference \"{reference}\": expected NETWORK/NAME");
            }

            return controller.GetEndpoint(network, name);
        }

        var endpoints = controller.Endpoints;
        var byId = endpoints.FirstOrDefault(e => e.Id == reference);
        if (byId is not null)
        {
            return byId;
        }

        var byName = endpoints.Where(e => e.Name == reference).ToList();
        if (byName.Count > 1)
        {
            var networks = byName.Select(e => NetworkName(controller, e.NetworkId)).Order(StringComparer.Ordinal);
            throw CnmException.InvalidParameter(
                $"endpoint name {reference} is ambiguous: networks {string.Join(", ", networks)} each have one; use NETWORK/{reference} or the id");
        }

        return byName.Count == 1 ? byName[0] : controller.GetEndpoint(reference);
    }

    public static string NetworkName(Controller controller, string networkId)
    {
        try
        {
            return controller.GetNetwork(networkId).Name;
        }
        catch (CnmException)
        {
            return networkId; // deleted meanwhile
        }
    }
}
