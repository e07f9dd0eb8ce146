using System.Text.Json;
using Cnm.Core.Model;

namespace Cnm.Core.Control;

public sealed partial class Controller
{
    /// <summary>The driver's operational data for an endpoint (EndpointOperInfo), for inspection.</summary>
    public async Task<IReadOnlyDictionary<string, JsonElement>> GetEndpointInfoAsync(string endpointIdOrName, CancellationToken cancellationToken)
    {
        Endpoint endpoint;
        Network owner;
        lock (_gate)
        {
            endpoint = Resolve(_endpoints, endpointIdOrName, "endpoint", e => e.Name);
            owner = _networks[endpoint.NetworkId];
        }

        var driver = await _drivers.GetNetworkDriverAsync(owner.Driver, cancellationToken).ConfigureAwait(false);
        return await DriverCalls.RunAsync($"endpoint {endpoint.Name}: driver {owner.Driver} failed to report its operational data",
            () => driver.Driver.EndpointOperInfoAsync(owner.Id, endpoint.Id, cancellationToken)).ConfigureAwait(false);
    }
}
