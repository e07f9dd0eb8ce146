using Cnm.Core.Drivers;
using Cnm.Core.Model;

namespace Cnm.Core.Control;

public sealed partial class Controller
{
    /// <summary>
    /// Takes a global network that the cluster store holds into the table (spec/cluster.md, "Watches"): one another node
    /// created, or a newer record of one it knows. An object this node is creating or deleting itself is left to that
    /// operation. A network new here is first sent to its driver on this node (CreateNetwork; a failure is logged and the
    /// network listed all the same), so that the driver knows it before an endpoint is created on it. Returns true when the
    /// network is new here.
    /// </summary>
    public async Task<bool> AdoptClusterNetworkAsync(Network network, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(network);
        lock (_gate)
        {
            if (_networks.TryGetValue(network.Id, out var known))
            {
                if (known.State == ObjectState.Ready)
                {
                    _networks[network.Id] = network with { State = ObjectState.Ready };
                }

                return false;
            }
        }

        if (_drivers.FindNetworkDriver(network.Driver) is { } driver)
        {
            var request = CreateNetworkArgsOf(network);
            await BestEffortAsync($"send CreateNetwork of cluster network {network.Name} to driver {driver.Name}",
                () => driver.Driver.CreateNetworkAsync(request, cancellationToken)).ConfigureAwait(false);
        }

        lock (_gate)
        {
            return _networks.TryAdd(network.Id, network with { State = ObjectState.Ready });
        }
    }

    /// <summary>
    /// Drops a global network that another node deleted from the cluster store, with the endpoints of it this node still
    /// lists; then its driver here is sent DeleteNetwork (best effort, logged). A network this node is creating or
    /// deleting itself is left to that operation. Returns true when the network was listed.
    /// </summary>
    public async Task<bool> ForgetClusterNetworkAsync(string networkId, CancellationToken cancellationToken)
    {
        Network? gone;
        lock (_gate)
        {
            if (!_networks.TryGetValue(networkId, out gone) || gone.State != ObjectState.Ready || gone.Scope != DriverScope.Global)
            {
                return false;
            }

            _networks.Remove(networkId);
            foreach (var endpoint in _endpoints.Values.Where(e => e.NetworkId == networkId && e.SandboxId is null).ToList())
            {
                _endpoints.Remove(endpoint.Id);
            }
        }

        if (_drivers.FindNetworkDriver(gone.Driver) is { } driver)
        {
            await BestEffortAsync($"send DeleteNetwork of cluster network {gone.Name} to driver {driver.Name}",
                () => driver.Driver.DeleteNetworkAsync(networkId, cancellationToken)).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>
    /// Takes an endpoint of a global network from the cluster store into the table. An endpoint whose sandbox is not on this
    /// node is listed unjoined here. One this node is working on is left to that operation.
    /// </summary>
    public bool AdoptClusterEndpoint(Endpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        lock (_gate)
        {
            if ((_endpoints.TryGetValue(endpoint.Id, out var known) && known.State != ObjectState.Ready) || !_networks.ContainsKey(endpoint.NetworkId))
            {
                return false;
            }

            var seen = endpoint.SandboxId is { } sandbox && !_sandboxes.ContainsKey(sandbox) ? endpoint with { SandboxId = null, Join = null } : endpoint;
            _endpoints[endpoint.Id] = seen with { State = ObjectState.Ready };
            return known is null;
        }
    }

    /// <summary>Drops an endpoint another node deleted from the cluster store, unless this node is working on it or has it joined.</summary>
    public bool ForgetClusterEndpoint(string endpointId)
    {
        lock (_gate)
        {
            return _endpoints.TryGetValue(endpointId, out var known) && known.State == ObjectState.Ready && known.SandboxId is null
                && _endpoints.Remove(endpointId);
        }
    }
}
