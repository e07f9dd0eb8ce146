using Cnm.Core.Drivers;
using Cnm.Core.Model;

namespace Cnm.Core.Control;

public sealed partial class Controller
{
    /// <summary>
    /// Takes a global network that the cluster store holds into the table (spec/cluster.md, "Watches"): one another node
    /// created, or a newer record of one it knows. An object this node is creating or deleting itself is left to that
    /// operation. Returns true when the network is new here; then its driver is sent CreateNetwork in the background (best
    /// effort, logged on failure), so that the driver on every node knows the network before an endpoint is created on it.
    /// </summary>
    public bool AdoptClusterNetwork(Network network)
    {
        ArgumentNullException.ThrowIfNull(network);
        bool added;
        lock (_gate)
        {
            if (_networks.TryGetValue(network.Id, out var known) && known.State != ObjectState.Ready)
            {
                return false;
            }

            added = known is null;
            _networks[network.Id] = network with { State = ObjectState.Ready };
        }

        if (added && _drivers.FindNetworkDriver(network.Driver) is { } driver)
        {
            var request = CreateNetworkArgsOf(network);
            _ = Task.Run(() => BestEffortAsync($"send CreateNetwork of cluster network {network.Name} to driver {driver.Name}",
                () => driver.Driver.CreateNetworkAsync(request, CancellationToken.None)));
        }

        return added;
    }

    /// <summary>
    /// Drops a global network that another node deleted from the cluster store, with the endpoints of it this node still
    /// lists; its driver here is sent DeleteNetwork in the background (best effort). A network this node is creating or
    /// deleting itself is left to that operation. Returns true when the network was listed.
    /// </summary>
    public bool ForgetClusterNetwork(string networkId)
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
            _ = Task.Run(() => BestEffortAsync($"send DeleteNetwork of cluster network {gone.Name} to driver {driver.Name}",
                () => driver.Driver.DeleteNetworkAsync(networkId, CancellationToken.None)));
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
