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
    /// <summary>Drivers that manage no addresses; their networks skip IPAM (protocol-facts 5.10).</summary>
    private static bool IsSpecialDriver(NetworkDriverEntry driver) =>
        driver.IsBuiltIn && driver.Name is BuiltInDrivers.Null or BuiltInDrivers.Host;

    /// <summary>All networks that are ready or being deleted, by name.</summary>
    public IReadOnlyList<Network> Networks
    {
        get
        {
            lock (_gate)
            {
                return [.. _networks.Values.Where(n => n.State != ObjectState.Creating).OrderBy(n => n.Name, StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>Finds a network by id, name or unique id prefix.</summary>
    public Network GetNetwork(string idOrName)
    {
        lock (_gate)
        {
            return Resolve(_networks, idOrName, "network", n => n.Name);
        }
    }

    /// <summary>
    /// Creates a network: IPAM pools, gateways and aux addresses per IP version, then the driver's
    /// CreateNetwork (protocol-facts 6.4). Any failure releases everything allocated so far.
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
        var special = IsSpecialDriver(driver);
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
            _networks.Add(network.Id, network);
        }

        var rollback = NewRollback();
        try
        {
            if (ipam is not null)
            {
                network = network with
                {
                    IPv4Pools = await AllocatePoolsAsync(network, ipam, plan.IPv4, v6: false, rollback, cancellationToken).ConfigureAwait(false),
                    IPv6Pools = await AllocatePoolsAsync(network, ipam, plan.IPv6, v6: true, rollback, cancellationToken).ConfigureAwait(false),
                };
            }

            var request = new CreateNetworkRequest(network.Id, GenericOptions.ForNetwork(options),
                [.. network.IPv4Pools.Select(p => ToIpamData(network, p))], [.. network.IPv6Pools.Select(p => ToIpamData(network, p))]);
            await DriverCallAsync($"network {options.Name}: driver {driver.Name} failed to create it",
                () => driver.Driver.CreateNetworkAsync(request, cancellationToken)).ConfigureAwait(false);
            var id = network.Id;
            rollback.Add($"delete network {options.Name} in driver {driver.Name}", () => driver.Driver.DeleteNetworkAsync(id, CancellationToken.None));

            network = network with { State = ObjectState.Ready };
            await CommitAsync($"network {options.Name} was not created", PutNetwork(network)).ConfigureAwait(false);
            lock (_gate)
            {
                _networks[network.Id] = network;
            }

            Log.NetworkCreated(_logger, network.Id, network.Name, driver.Name);
            return network;
        }
        catch
        {
            await rollback.RunAsync().ConfigureAwait(false);
            lock (_gate)
            {
                _networks.Remove(network.Id);
            }

            throw;
        }
    }

    /// <summary>
    /// Deletes a network that has no endpoints: the driver's DeleteNetwork first, then the IPAM releases
    /// (DECISIONS.md, "network delete order"). A driver refusal fails a normal delete and changes nothing;
    /// a forced delete goes on and is logged.
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
                throw CnmException.Conflict(
                    $"network {network.Name} ({network.Id[..12]}) has {endpoints.Count} active endpoint(s): {string.Join(", ", endpoints)}; delete them first");
            }

            if (network.State != ObjectState.Ready)
            {
                throw CnmException.Conflict($"network {network.Name} is busy ({network.State}); try again");
            }

            _networks[network.Id] = network = network with { State = ObjectState.Deleting };
        }

        try
        {
            var driver = await _drivers.GetNetworkDriverAsync(network.Driver, cancellationToken).ConfigureAwait(false);
            await DriverCallAsync($"network {network.Name}: driver {network.Driver} failed to delete it",
                () => driver.Driver.DeleteNetworkAsync(network.Id, cancellationToken)).ConfigureAwait(false);
        }
        catch (CnmException ex) when (force)
        {
            Log.ForcedNetworkDelete(_logger, network.Id, ex.Message);
        }
        catch
        {
            KeepReady();
            throw;
        }

        try
        {
            await CommitAsync($"network {network.Name} was deleted by driver {network.Driver} but is kept; delete it again (forced if the driver no longer knows it)",
                new StoreTransaction().Delete(StateKeys.Network(network.Id))).ConfigureAwait(false);
        }
        catch
        {
            KeepReady(); // the pools are still held and the store still has the network: keep it, as the store does
            throw;
        }

        if (network.IPv4Pools.Count + network.IPv6Pools.Count > 0)
        {
            // The driver has deleted the network: from here on nothing may stop the local delete.
            await BestEffortAsync($"release the pools of network {network.Name}", async () =>
            {
                var ipam = await _drivers.GetIpamDriverAsync(network.IpamDriver, cancellationToken).ConfigureAwait(false);
                foreach (var pool in network.IPv4Pools.Concat(network.IPv6Pools))
                {
                    await ReleasePoolAsync(ipam, pool, cancellationToken).ConfigureAwait(false);
                }
            }).ConfigureAwait(false);
        }

        lock (_gate)
        {
            _networks.Remove(network.Id);
        }

        Log.NetworkDeleted(_logger, network.Id, network.Name);

        void KeepReady()
        {
            lock (_gate)
            {
                _networks[network.Id] = network with { State = ObjectState.Ready };
            }
        }
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

    private static async Task<IReadOnlyList<NetworkPool>> AllocatePoolsAsync(Network network, IpamDriverEntry ipam,
        IReadOnlyList<PoolPlan> plans, bool v6, Rollback rollback, CancellationToken cancellationToken)
    {
        var pools = new List<NetworkPool>();
        foreach (var plan in plans)
        {
            pools.Add(await AllocatePoolAsync(network, ipam, plan, v6, rollback, cancellationToken).ConfigureAwait(false));
        }

        return pools;
    }

    private static async Task<NetworkPool> AllocatePoolAsync(Network network, IpamDriverEntry ipam, PoolPlan plan, bool v6,
        Rollback rollback, CancellationToken cancellationToken)
    {
        var name = network.Name;
        var family = v6 ? "IPv6" : "IPv4";
        var request = new PoolRequest(network.AddressSpace, plan.Subnet, plan.IpRange, network.Options.IpamOptions, v6);
        var pool = await DriverCallAsync($"network {name}: IPAM {ipam.Name} could not allocate an {family} pool",
            () => ipam.Driver.RequestPoolAsync(request, cancellationToken)).ConfigureAwait(false);
        rollback.Add($"release pool {pool.PoolId}", () => ipam.Driver.ReleasePoolAsync(pool.PoolId, CancellationToken.None));

        IpPrefix? gateway = null;
        var gatewayFromIpam = false;
        if (pool.Data?.GetValueOrDefault(IpamOptions.Gateway) is { } dataGateway)
        {
            if (!IpPrefix.TryParse(dataGateway, out var parsed))
            {
                throw CnmException.InvalidParameter(
                    $"network {name}: IPAM {ipam.Name} returned an unparsable gateway \"{dataGateway}\" for pool {pool.Pool}");
            }

            gateway = parsed;
            gatewayFromIpam = true;
        }

        if (plan.Gateway is not null || gateway is null)
        {
            var options = new Dictionary<string, string> { [IpamOptions.RequestAddressType] = IpamOptions.GatewayType };
            var allocated = await DriverCallAsync(
                $"network {name}: IPAM {ipam.Name} could not allocate the gateway{(plan.Gateway is null ? "" : $" {plan.Gateway}")}",
                () => ipam.Driver.RequestAddressAsync(new AddressRequest(pool.PoolId, plan.Gateway, options), cancellationToken)).ConfigureAwait(false);
            if (allocated.Address is { } address)
            {
                rollback.Add($"release gateway {address.Address}",
                    () => ipam.Driver.ReleaseAddressAsync(pool.PoolId, address.Address, CancellationToken.None));
                gateway = address;
                gatewayFromIpam = false;
            }
        }

        var aux = new Dictionary<string, IPAddress>(StringComparer.Ordinal);
        foreach (var (auxName, address) in plan.Aux)
        {
            if (!pool.Pool.Contains(address))
            {
                throw CnmException.InvalidParameter($"network {name}: aux-address {auxName} {address} is not inside pool {pool.Pool}");
            }

            await DriverCallAsync($"network {name}: IPAM {ipam.Name} could not reserve aux-address {auxName} {address}",
                () => ipam.Driver.RequestAddressAsync(new AddressRequest(pool.PoolId, address), cancellationToken)).ConfigureAwait(false);
            rollback.Add($"release aux-address {address}", () => ipam.Driver.ReleaseAddressAsync(pool.PoolId, address, CancellationToken.None));
            aux[auxName] = address;
        }

        return new NetworkPool(pool.PoolId, pool.Pool, plan.IpRange, gateway, gatewayFromIpam, aux);
    }

    private async Task ReleasePoolAsync(IpamDriverEntry ipam, NetworkPool pool, CancellationToken cancellationToken)
    {
        // A gateway that came in the pool's data was never requested by us, so it is not released
        // (the reference releases it anyway: protocol-facts 10, item 30).
        if (pool.Gateway is { } gateway && !pool.GatewayFromIpam)
        {
            await BestEffortAsync($"release gateway {gateway.Address} of pool {pool.PoolId}",
                () => ipam.Driver.ReleaseAddressAsync(pool.PoolId, gateway.Address, cancellationToken)).ConfigureAwait(false);
        }

        foreach (var address in pool.AuxAddresses.Values)
        {
            await BestEffortAsync($"release aux-address {address} of pool {pool.PoolId}",
                () => ipam.Driver.ReleaseAddressAsync(pool.PoolId, address, cancellationToken)).ConfigureAwait(false);
        }

        await BestEffortAsync($"release pool {pool.PoolId}",
            () => ipam.Driver.ReleasePoolAsync(pool.PoolId, cancellationToken)).ConfigureAwait(false);
    }

    private static IpamData ToIpamData(Network network, NetworkPool pool) =>
        new(network.AddressSpace, pool.Pool, pool.Gateway is { } g ? new IpPrefix(g.Address, pool.Pool.PrefixLength) : null,
            pool.AuxAddresses.Count == 0 ? null
                : pool.AuxAddresses.ToDictionary(a => a.Key, a => new IpPrefix(a.Value, pool.Pool.PrefixLength), StringComparer.Ordinal));
}
