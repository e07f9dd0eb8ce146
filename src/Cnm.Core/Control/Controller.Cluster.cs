using Cnm.Core.Drivers;
using Cnm.Core.Errors;
using Cnm.Core.Model;

namespace Cnm.Core.Control;

public sealed partial class Controller
{
    /// <summary>
    /// Global networks adopted while their driver was not available on this node, each with the CreateNetwork being sent (or
    /// null while none is): the driver is sent it when it registers, and before the first endpoint on the network here.
    /// In memory only: a restart of cnmd before the driver appears forgets it (spec/cluster.md, "Watches").
    /// </summary>
    private readonly Dictionary<string, Task?> _owedClusterCreates = new(StringComparer.Ordinal);

    /// <summary>
    /// Takes a global network that the cluster store holds into the table (spec/cluster.md, "Watches"): one another node
    /// created, or a newer record of one it knows. An object this node is creating or deleting itself is left to that
    /// operation. A network new here is first sent to its driver on this node (CreateNetwork; a failure is logged and the
    /// network listed all the same), so that the driver knows it before an endpoint is created on it. The driver is resolved
    /// as an endpoint create would (a plugin not activated yet is activated now); one that is not available is owed the
    /// CreateNetwork (<see cref="_owedClusterCreates"/>). Returns true when the network is new here.
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

        NetworkDriverEntry? driver = null;
        try
        {
            driver = await _drivers.GetNetworkDriverAsync(network.Driver, cancellationToken).ConfigureAwait(false);
        }
        catch (CnmException ex)
        {
            ControlLog.ClusterCreateOwed(_logger, network.Id, network.Name, network.Driver, ex.Message);
        }

        if (driver is not null)
        {
            var request = CreateNetworkArgsOf(network);
            await BestEffortAsync($"send CreateNetwork of cluster network {network.Name} to driver {driver.Name}",
                () => driver.Driver.CreateNetworkAsync(request, cancellationToken)).ConfigureAwait(false);
        }

        lock (_gate)
        {
            if (!_networks.TryAdd(network.Id, network with { State = ObjectState.Ready }))
            {
                return false;
            }

            if (driver is null)
            {
                _owedClusterCreates[network.Id] = null;
            }

            return true;
        }
    }

    /// <summary>A network driver registered: the cluster networks owed to it are sent their CreateNetwork now.</summary>
    private void SendOwedClusterCreates(string driverName)
    {
        List<Network> owed;
        lock (_gate)
        {
            owed = [.. _owedClusterCreates.Keys.Select(id => _networks.GetValueOrDefault(id)).OfType<Network>().Where(n => n.Driver == driverName)];
        }

        if (owed.Count == 0 || _pending.Stopping.IsCancellationRequested)
        {
            return;
        }

        var stopping = _pending.Stopping;
        _ = Task.Run(async () =>
        {
            foreach (var network in owed)
            {
                await BestEffortAsync($"send the owed CreateNetwork of cluster network {network.Name} to driver {driverName}",
                    () => SendOwedClusterCreateAsync(network, stopping)).ConfigureAwait(false);
            }
        }, CancellationToken.None);
    }

    /// <summary>
    /// Sends the CreateNetwork a cluster network is owed on this node, if it is (once: concurrent callers wait for the same
    /// send). A failure fails the caller and leaves it owed, so that the next endpoint create tries again.
    /// </summary>
    private async Task SendOwedClusterCreateAsync(Network network, CancellationToken cancellationToken)
    {
        Task send;
        lock (_gate)
        {
            if (!_owedClusterCreates.TryGetValue(network.Id, out var pending))
            {
                return;
            }

            send = pending ?? SendAsync();
            _owedClusterCreates[network.Id] = send;
        }

        try
        {
            await send.ConfigureAwait(false);
        }
        finally
        {
            lock (_gate)
            {
                if (_owedClusterCreates.TryGetValue(network.Id, out var current) && current == send)
                {
                    if (send.IsCompletedSuccessfully)
                    {
                        _owedClusterCreates.Remove(network.Id);
                    }
                    else
                    {
                        _owedClusterCreates[network.Id] = null;
                    }
                }
            }
        }

        async Task SendAsync()
        {
            await Task.Yield(); // outside the gate
            var driver = await _drivers.GetNetworkDriverAsync(network.Driver, cancellationToken).ConfigureAwait(false);
            await DriverCalls.RunAsync($"network {network.Name} could not be created in driver {network.Driver} on this node",
                () => driver.Driver.CreateNetworkAsync(CreateNetworkArgsOf(network), cancellationToken)).ConfigureAwait(false);
            ControlLog.ClusterCreateSent(_logger, network.Id, network.Name, network.Driver);
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
        bool neverCreated;
        lock (_gate)
        {
            if (!_networks.TryGetValue(networkId, out gone) || gone.State != ObjectState.Ready || gone.Scope != DriverScope.Global)
            {
                return false;
            }

            _networks.Remove(networkId);
            neverCreated = _owedClusterCreates.Remove(networkId);
            foreach (var endpoint in _endpoints.Values.Where(e => e.NetworkId == networkId && e.SandboxId is null).ToList())
            {
                _endpoints.Remove(endpoint.Id);
            }
        }

        if (!neverCreated && _drivers.FindNetworkDriver(gone.Driver) is { } driver)
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
