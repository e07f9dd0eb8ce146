using System.Net;
using Cnm.Core.Drivers;
using Cnm.Core.Errors;
using Cnm.Core.Ipam;
using Cnm.Core.Model;
using Cnm.Core.Net;
using Cnm.Core.Persistence;
using Cnm.Core.Store;

namespace Cnm.Core.Control;

public sealed partial class Controller
{
    /// <summary>Drivers that manage no addresses; their networks skip IPAM (docs/reference-host.md §5.10).</summary>
    private static bool IsSpecialDriver(NetworkDriverEntry driver) =>
        driver.IsBuiltIn && driver.Name is BuiltInDrivers.Null or BuiltInDrivers.Host;

    /// <summary>All networks that are ready or being deleted, by name.</summary>
    public IReadOnlyList<Network> Networks => Listed(_networks, n => n.State, n => n.Name);

    /// <summary>Finds a network by id, name or unique id prefix.</summary>
    public Network GetNetwork(string idOrName) => Find(_networks, idOrName, "network", n => n.Name);

    /// <summary>
    /// Creates a network: IPAM pools, gateways and aux addresses per IP version, then the driver's
    /// CreateNetwork (docs/reference-host.md §6.4). Any failure releases everything allocated so far.
    /// </summary>
    public async Task<Network> CreateNetworkAsync(NetworkCreateOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Name))
        {
            throw CnmException.InvalidParameter("network name must not be empty");
        }

        ThrowIfNetworkNameTaken(options.Name);
        var plan = NetworkPlan.Parse(options);
        var driver = await _drivers.GetNetworkDriverAsync(options.Driver, cancellationToken).ConfigureAwait(false);
        ThrowIfGlobalScope(options.Name, driver);
        var special = IsSpecialDriver(driver);
        ThrowIfPoolsWithoutIpam(options, driver, special);
        var ipam = special ? null : await _drivers.GetIpamDriverAsync(options.IpamDriver, cancellationToken).ConfigureAwait(false);

        var network = new Network
        {
            Id = Ids.New(),
            Name = options.Name,
            Driver = driver.Name,
            Scope = driver.Capability.Scope,
            IpamDriver = options.IpamDriver,
            AddressSpace = ipam is null ? "" : driver.Capability.Scope == DriverScope.Global ? ipam.AddressSpaces.Global : ipam.AddressSpaces.Local,
            Options = options,
            Created = _time.GetUtcNow(),
            State = ObjectState.Creating,
        };

        lock (_gate)
        {
            ThrowIfNetworkNameTaken(options.Name);
            ThrowIfSecondInstance(driver, special);
            _networks.Add(network.Id, network);
        }

        const string op = IntentOperations.NetworkCreate;
        var tracksIpam = ipam is not null && _journal.TracksIpam(ipam.Name);
        var intent = _journal.NewIntent(op, network.Id, network.Name, durable: !driver.IsBuiltIn || tracksIpam);
        intent.AddCall(new PendingCall { Method = PendingMethods.DeleteNetwork, Driver = driver.Name, NetworkId = network.Id });
        var notCreated = $"network {options.Name} was not created";
        var rollback = NewRollback();
        try
        {
            if (ipam is not null)
            {
                var allocation = new PoolAllocationContext(network, ipam, rollback, tracksIpam ? intent : null, notCreated);
                network = network with
                {
                    IPv4Pools = await AllocatePoolsAsync(allocation, plan.IPv4, v6: false, cancellationToken).ConfigureAwait(false),
                    IPv6Pools = await AllocatePoolsAsync(allocation, plan.IPv6, v6: true, cancellationToken).ConfigureAwait(false),
                };
            }

            await _journal.EnsureIntentAsync(intent, notCreated).ConfigureAwait(false);
            var request = CreateNetworkArgsOf(network);
            await _journal.CallAsync($"network {options.Name}: driver {driver.Name} failed to create it",
                () => driver.Driver.CreateNetworkAsync(request, cancellationToken), intent, intent.Calls[0]).ConfigureAwait(false);
            var id = network.Id;
            rollback.Add($"delete network {options.Name} in driver {driver.Name}", () => driver.Driver.DeleteNetworkAsync(id, CancellationToken.None));
            await _journal.StepAsync(op, "CreateNetwork").ConfigureAwait(false);

            network = network with { State = ObjectState.Ready };
            await _journal.CommitEndAsync(notCreated, OperationJournal.PutNetwork(network), intent).ConfigureAwait(false);
            lock (_gate)
            {
                _networks[network.Id] = network;
            }

            ControlLog.NetworkCreated(_logger, network.Id, network.Name, driver.Name);
            await _journal.StepAsync(op, "commit").ConfigureAwait(false);
            return network;
        }
        catch
        {
            await rollback.RunAsync().ConfigureAwait(false);
            await _journal.DropIntentAsync(intent).ConfigureAwait(false);
            lock (_gate)
            {
                _networks.Remove(network.Id);
            }

            throw;
        }
    }

    /// <summary>
    /// Deletes a network that has no endpoints: the driver's DeleteNetwork first, then the IPAM releases
    /// (docs/decisions.md, "network delete order"). A driver refusal fails a normal delete and changes nothing;
    /// a forced delete goes on and is logged, and calls to a driver that cannot be reached are kept as
    /// pending calls and delivered once it is back.
    /// </summary>
    public async Task DeleteNetworkAsync(string idOrName, bool force, CancellationToken cancellationToken)
    {
        Network network;
        lock (_gate)
        {
            network = Resolve(_networks, idOrName, "network", n => n.Name);
            var endpoints = _endpoints.Values.Where(e => e.NetworkId == network.Id).Select(e => e.Name).ToList();
            if (endpoints.Count > 0)
            {
                // Forbidden, with Docker's words, as libnetwork's ActiveEndpointsError: one rule for every API.
                throw CnmException.Forbidden(
                    $"error while removing network: network {network.Name} id {network.Id} has active endpoints ({string.Join(", ", endpoints)}); delete or disconnect them first");
            }

            if (network.State != ObjectState.Ready)
            {
                throw CnmException.Conflict($"network {network.Name} is busy ({network.State}); try again");
            }

            _networks[network.Id] = network = network with { State = ObjectState.Deleting };
        }

        var pools = network.IPv4Pools.Concat(network.IPv6Pools).ToList();
        await _journal.RunDeleteAsync(new DeletePlan(
            IntentOperations.NetworkDelete,
            $"network {network.Name}",
            new PendingCall { Method = PendingMethods.DeleteNetwork, Driver = network.Driver, NetworkId = network.Id },
            [.. pools.SelectMany(p => ReleaseCalls.OfPool(network.IpamDriver, p))],
            pools.Count > 0 && _journal.TracksIpam(network.IpamDriver),
            force,
            StateKeys.Network(network.Id),
            new TableRow<Network>(_gate, _networks, network.Id, network with { State = ObjectState.Ready }))).ConfigureAwait(false);
        ControlLog.NetworkDeleted(_logger, network.Id, network.Name);
    }

    private void ThrowIfNetworkNameTaken(string name)
    {
        lock (_gate)
        {
            if (_networks.Values.Any(n => n.Name == name))
            {
                throw CnmException.Conflict($"network with name {name} already exists");
            }
        }
    }
}
