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
            _networks.Add(network.Id, network);
        }

        const string op = IntentOperations.NetworkCreate;
        var tracksIpam = ipam is not null && TracksIpam(ipam.Name);
        var intent = NewIntent(op, network.Id, network.Name, durable: !driver.IsBuiltIn || tracksIpam);
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

            await EnsureIntentAsync(intent, notCreated).ConfigureAwait(false);
            var request = new CreateNetworkArgs(network.Id, GenericOptions.ForNetwork(options),
                [.. network.IPv4Pools.Select(p => ToIpamData(network, p))], [.. network.IPv6Pools.Select(p => ToIpamData(network, p))]);
            await DriverCallAsync($"network {options.Name}: driver {driver.Name} failed to create it",
                () => driver.Driver.CreateNetworkAsync(request, cancellationToken), intent, intent.Calls[0]).ConfigureAwait(false);
            var id = network.Id;
            rollback.Add($"delete network {options.Name} in driver {driver.Name}", () => driver.Driver.DeleteNetworkAsync(id, CancellationToken.None));
            await StepAsync(op, "CreateNetwork").ConfigureAwait(false);

            network = network with { State = ObjectState.Ready };
            await CommitAsync(notCreated, EndIntent(PutNetwork(network), intent)).ConfigureAwait(false);
            intent.Written = false;
            lock (_gate)
            {
                _networks[network.Id] = network;
            }

            Log.NetworkCreated(_logger, network.Id, network.Name, driver.Name);
            await StepAsync(op, "commit").ConfigureAwait(false);
            return network;
        }
        catch
        {
            await rollback.RunAsync().ConfigureAwait(false);
            await DropIntentAsync(intent).ConfigureAwait(false);
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
        await RunDeleteAsync(new DeletePlan(
            IntentOperations.NetworkDelete,
            $"network {network.Name}",
            new PendingCall { Method = PendingMethods.DeleteNetwork, Driver = network.Driver, NetworkId = network.Id },
            [.. pools.SelectMany(p => ReleaseCalls(network.IpamDriver, p))],
            pools.Count > 0 && TracksIpam(network.IpamDriver),
            force,
            StateKeys.Network(network.Id),
            KeepReady,
            Forget,
            reason => Log.ForcedNetworkDelete(_logger, network.Id, reason))).ConfigureAwait(false);
        Log.NetworkDeleted(_logger, network.Id, network.Name);

        void Forget()
        {
            lock (_gate)
            {
                _networks.Remove(network.Id);
            }
        }

        void KeepReady()
        {
            lock (_gate)
            {
                _networks[network.Id] = network with { State = ObjectState.Ready };
            }
        }
    }

    /// <summary>The releases of a pool in the order the delete makes them: gateway, aux addresses, then the pool.</summary>
    private static IEnumerable<PendingCall> ReleaseCalls(string ipamDriver, NetworkPool pool)
    {
        // A gateway that came in the pool's data was never requested by us, so it is not released
        // (the reference releases it anyway: docs/reference-host.md §10, item 30).
        if (pool.Gateway is { } gateway && !pool.GatewayFromIpam)
        {
            yield return ReleaseAddressCall(ipamDriver, pool.PoolId, gateway.Address);
        }

        foreach (var address in pool.AuxAddresses.Values)
        {
            yield return ReleaseAddressCall(ipamDriver, pool.PoolId, address);
        }

        yield return new PendingCall { Method = PendingMethods.ReleasePool, Driver = ipamDriver, PoolId = pool.PoolId };
    }

    private static PendingCall ReleaseAddressCall(string ipamDriver, string poolId, IPAddress address) =>
        new() { Method = PendingMethods.ReleaseAddress, Driver = ipamDriver, PoolId = poolId, Address = address.ToString() };

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

    /// <summary>What pool allocation for one network create needs: the intent is set when releases to the IPAM are tracked.</summary>
    private sealed record PoolAllocationContext(Network Network, IpamDriverEntry Ipam, Rollback Rollback, Intent? Intent, string NotCreated);

    private async Task<IReadOnlyList<NetworkPool>> AllocatePoolsAsync(PoolAllocationContext context, IReadOnlyList<PoolPlan> plans, bool v6,
        CancellationToken cancellationToken)
    {
        var pools = new List<NetworkPool>();
        foreach (var plan in plans)
        {
            pools.Add(await AllocatePoolAsync(context, plan, v6, cancellationToken).ConfigureAwait(false));
        }

        return pools;
    }

    /// <summary>Records an allocation just made in the intent (when tracked) before the next step, and runs the test hook.</summary>
    private async Task AllocatedAsync(PoolAllocationContext context, PendingCall release, string step)
    {
        if (context.Intent is { } intent)
        {
            intent.AddRelease(release);
            await WriteIntentAsync(intent, context.NotCreated).ConfigureAwait(false);
        }

        await StepAsync(IntentOperations.NetworkCreate, step).ConfigureAwait(false);
    }

    private async Task<NetworkPool> AllocatePoolAsync(PoolAllocationContext context, PoolPlan plan, bool v6, CancellationToken cancellationToken)
    {
        var (network, ipam, rollback) = (context.Network, context.Ipam, context.Rollback);
        var name = network.Name;
        var family = v6 ? "IPv6" : "IPv4";
        var request = new PoolRequest(network.AddressSpace, plan.Subnet, plan.IpRange, network.Options.IpamOptions, v6);
        var pool = await DriverCallAsync($"network {name}: IPAM {ipam.Name} could not allocate an {family} pool",
            () => ipam.Driver.RequestPoolAsync(request, cancellationToken)).ConfigureAwait(false);
        rollback.Add($"release pool {pool.PoolId}", () => ipam.Driver.ReleasePoolAsync(pool.PoolId, CancellationToken.None));
        await AllocatedAsync(context, new PendingCall { Method = PendingMethods.ReleasePool, Driver = ipam.Name, PoolId = pool.PoolId },
            "RequestPool").ConfigureAwait(false);

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
                () => ipam.Driver.RequestAddressAsync(new AddressRequest(pool.PoolId, plan.Gateway, options), cancellationToken),
                context.Intent, plan.Gateway is { } wanted ? ReleaseAddressCall(ipam.Name, pool.PoolId, wanted) : null).ConfigureAwait(false);
            if (allocated.Address is { } address)
            {
                rollback.Add($"release gateway {address.Address}",
                    () => ipam.Driver.ReleaseAddressAsync(pool.PoolId, address.Address, CancellationToken.None));
                gateway = address;
                gatewayFromIpam = false;
                await AllocatedAsync(context, ReleaseAddressCall(ipam.Name, pool.PoolId, address.Address), "RequestAddress").ConfigureAwait(false);
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
                () => ipam.Driver.RequestAddressAsync(new AddressRequest(pool.PoolId, address), cancellationToken),
                context.Intent, ReleaseAddressCall(ipam.Name, pool.PoolId, address)).ConfigureAwait(false);
            rollback.Add($"release aux-address {address}", () => ipam.Driver.ReleaseAddressAsync(pool.PoolId, address, CancellationToken.None));
            aux[auxName] = address;
            await AllocatedAsync(context, ReleaseAddressCall(ipam.Name, pool.PoolId, address), "RequestAddress").ConfigureAwait(false);
        }

        return new NetworkPool(pool.PoolId, pool.Pool, plan.IpRange, gateway, gatewayFromIpam, aux);
    }

    private static IpamPoolData ToIpamData(Network network, NetworkPool pool) =>
        new(network.AddressSpace, pool.Pool, pool.Gateway is { } g ? new IpPrefix(g.Address, pool.Pool.PrefixLength) : null,
            pool.AuxAddresses.Count == 0 ? null
                : pool.AuxAddresses.ToDictionary(a => a.Key, a => new IpPrefix(a.Value, pool.Pool.PrefixLength), StringComparer.Ordinal));
}
