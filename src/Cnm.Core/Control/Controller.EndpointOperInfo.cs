using System.Text.Json;
using Cnm.Core.Model;

namespace Cnm.Core.Control;

public sealed partial class Controller
{
    /// <summary>
    /// The driver's operational data for an endpoint (EndpointOperInfo), for inspection. When the endpoint's sandbox has a
    /// default gateway endpoint (spec/bridge.md, "Default gateway network"), that endpoint's data is returned instead and
    /// the endpoint's own driver is not asked, as libnetwork's <c>DriverInfo</c> does: the published ports are there.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, JsonElement>> GetEndpointInfoAsync(string endpointIdOrName, CancellationToken cancellationToken)
    {
        Endpoint endpoint;
        Network owner;
        lock (_gate)
        {
            endpoint = Resolve(_endpoints, endpointIdOrName, "endpoint", e => e.Name);
            if (endpoint.SandboxId is { } sandboxId && _sandboxes.TryGetValue(sandboxId, out var sandbox)
                && sandbox.EndpointIds.FirstOrDefault(id => id != endpoint.Id && IsDefaultGatewayEndpoint(id)) is { } gatewayId)
            {
                endpoint = _endpoints[gatewayId];
            }

            owner = _networks[endpoint.NetworkId];
        }

        var driver = await _drivers.GetNetworkDriverAsync(owner.Driver, cancellationToken).ConfigureAwait(false);
        return await DriverCalls.RunAsync($"endpoint {endpoint.Name}: driver {owner.Driver} failed to report its operational data",
            () => driver.Driver.EndpointOperInfoAsync(owner.Id, endpoint.Id, cancellationToken)).ConfigureAwait(false);
    }
}
