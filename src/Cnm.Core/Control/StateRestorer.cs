using Cnm.Core.Errors;
using Cnm.Core.Ipam;
using Cnm.Core.Model;
using Cnm.Core.Persistence;
using Cnm.Core.Sandboxes;
using Cnm.Core.Store;
using Microsoft.Extensions.Logging;

namespace Cnm.Core.Control;

/// <summary>
/// Start-up: loads every stored network, endpoint and sandbox, re-requests the pools and addresses they hold from the
/// built-in IPAMs whose state lives only in memory, hands the objects to the controller's tables, and settles the
/// operations that a crash cut short from their intents. No plugin is called or waited for: a plugin keeps its own
/// state, and an object whose driver is not registered yet is restored as it is. Without intents restore writes
/// nothing, so a second restart changes nothing. A record that cannot be read or re-seeded fails start-up.
/// </summary>
internal sealed class StateRestorer(IKeyValueStore store, ISandboxProvider sandboxProvider, DriverRegistry drivers, OperationJournal journal,
    Func<PendingCall, bool> isWanted, bool globalScope, ILogger logger)
{
    /// <summary>
    /// Restores the state into <paramref name="adopt"/> (networks, endpoints, sandboxes), then settles the intents.
    /// Returns the pending calls in the store, those found and those the settling stored, for the delivery.
    /// </summary>
    public async Task<IReadOnlyList<PendingCall>> RestoreAsync(Action<List<Network>, List<Endpoint>, List<Sandbox>> adopt,
        CancellationToken cancellationToken)
    {
        var state = await StoredStateInspector.ReadAsync(store, cancellationToken).ConfigureAwait(false);
        if (state.Problems.Count > 0)
        {
            throw CnmException.Internal($"{state.Problems[0]}; the state file is inconsistent ({state.Problems.Count} problem(s); cnmd --check lists them all)");
        }

        state.UnknownKeys.ForEach(key => ControlLog.UnknownStoreKey(logger, key));
        var finished = FinishedByIntents(state);
        var networks = state.Networks.Where(n => !finished.Contains(n.Id)).ToList();
        var endpoints = state.Endpoints.Where(e => !finished.Contains(e.Id)).ToList();
        var sandboxes = state.Sandboxes;
        foreach (var network in networks)
        {
            var held = state.EndpointsByNetwork[network.Id];
            await ReseedNetworkAsync(network, finished.Count == 0 ? held : held.Where(e => !finished.Contains(e.Id)), cancellationToken).ConfigureAwait(false);
        }

        var byId = endpoints.ToDictionary(e => e.Id, StringComparer.Ordinal);
        foreach (var sandbox in sandboxes)
        {
            List<Endpoint> joined = [.. sandbox.EndpointIds.Select(id => byId.GetValueOrDefault(id)).OfType<Endpoint>()];
            await DriverCalls.RunAsync($"restore sandbox {sandbox.Name} ({sandbox.Id[..12]}): the sandbox provider could not take it back",
                () => sandboxProvider.RestoreAsync(sandbox, joined, cancellationToken)).ConfigureAwait(false);
        }

        adopt(networks, endpoints, sandboxes);
        var recovered = await SettleIntentsAsync(state, finished).ConfigureAwait(false);
        if (networks.Count + endpoints.Count + sandboxes.Count + state.UnknownKeys.Count > 0)
        {
            ControlLog.Restored(logger, networks.Count, endpoints.Count, sandboxes.Count);
        }

        return [.. state.Pending, .. recovered];
    }

    /// <summary>The networks and endpoints whose delete was in flight at the crash: start-up finishes those deletes.</summary>
    private static HashSet<string> FinishedByIntents(StoredState state) =>
    [
        .. state.Intents.Where(i => i.Operation is IntentOperations.NetworkDelete or IntentOperations.EndpointDelete).Select(i => i.ObjectId),
    ];

    /// <summary>
    /// Settles the operations that were in flight when the process stopped (spec/store.md, "Intents and pending
    /// calls"): creates, joins and connects are undone, deletes and leaves are finished. The store gets one commit that
    /// removes the intents and the records of finished deletes, and stores their driver calls as pending calls,
    /// which are delivered in the background once each driver can be reached. No driver is called here, so a
    /// missing plugin never holds up start-up. Calls that are no longer wanted (a release of an address that an
    /// object holds, say) are dropped. Returns the pending calls it stored.
    /// </summary>
    private async Task<List<PendingCall>> SettleIntentsAsync(StoredState state, HashSet<string> finished)
    {
        if (state.Intents.Count == 0)
        {
            return [];
        }

        var transaction = new StoreTransaction();
        var owed = new List<PendingCall>();
        foreach (var intent in state.Intents)
        {
            transaction.Delete(StateKeys.Intent(intent.ObjectId));
            if (finished.Contains(intent.ObjectId))
            {
                transaction.Delete(intent.Operation == IntentOperations.NetworkDelete ? StateKeys.Network(intent.ObjectId) : StateKeys.Endpoint(intent.ObjectId));
            }

            var outcome = IntentOperations.IsUndone(intent.Operation) ? "undone" : "finished";
            ControlLog.IntentRecovered(logger, intent.Operation, intent.Name, intent.ObjectId, $"{outcome}; {intent.Calls.Count} driver call(s) owed");
            owed.AddRange(intent.Calls
                .Where(c => !(c.IsIpam && !journal.TracksIpam(c.Driver)) && isWanted(c))
                .Select(c => c with { Reason = $"{intent.Operation} of {intent.Name} was interrupted by a stop of cnmd and is {outcome}" }));
        }

        var numbered = new List<PendingCall>();
        await journal.CommitAsync($"the interrupted operations in the state file could not be settled ({state.Intents.Count} intent record(s))",
            journal.PutPending(transaction, owed, numbered)).ConfigureAwait(false);
        return numbered;
    }

    /// <summary>
    /// Asks a built-in IPAM that keeps its state in memory (<see cref="IpamCapabilities.RequiresRequestReplay"/>)
    /// for the network's pools, gateways, aux addresses and endpoint addresses again. Pool ids of the
    /// default IPAM follow from the pool, so the same request must give the same id.
    /// </summary>
    private async Task ReseedNetworkAsync(Network network, IEnumerable<Endpoint> endpoints, CancellationToken cancellationToken)
    {
        // In a cluster, a global network's pools and addresses are kept by the cluster store, not in this IPAM's memory.
        if (network.IPv4Pools.Count + network.IPv6Pools.Count == 0
            || (globalScope && network.Scope == Drivers.DriverScope.Global)
            || drivers.FindIpamDriver(network.IpamDriver) is not { IsBuiltIn: true } ipam
            || !ipam.Capabilities.RequiresRequestReplay)
        {
            return;
        }

        var what = $"restore network {network.Name} ({network.Id[..12]})";
        foreach (var pool in network.IPv4Pools.Concat(network.IPv6Pools))
        {
            var request = new PoolRequest(network.AddressSpace, pool.Pool, pool.SubPool, network.Options.IpamOptions, pool.Pool.IsV6);
            var again = await DriverCalls.RunAsync($"{what}: IPAM {ipam.Name} refused pool {pool.Pool} again",
                () => ipam.Driver.RequestPoolAsync(request, cancellationToken)).ConfigureAwait(false);
            if (again.PoolId != pool.PoolId)
            {
                throw CnmException.Internal($"{what}: IPAM {ipam.Name} gave pool {pool.Pool} the id {again.PoolId}, not the stored {pool.PoolId}");
            }

            if (pool.Gateway is { } gateway && !pool.GatewayFromIpam)
            {
                var options = new Dictionary<string, string> { [IpamOptions.RequestAddressType] = IpamOptions.GatewayType };
                await DriverCalls.RunAsync($"{what}: IPAM {ipam.Name} refused gateway {gateway.Address} again",
                    () => ipam.Driver.RequestAddressAsync(new AddressRequest(pool.PoolId, gateway.Address, options), cancellationToken)).ConfigureAwait(false);
            }

            foreach (var (name, address) in pool.AuxAddresses)
            {
                await DriverCalls.RunAsync($"{what}: IPAM {ipam.Name} refused aux-address {name} {address} again",
                    () => ipam.Driver.RequestAddressAsync(new AddressRequest(pool.PoolId, address), cancellationToken)).ConfigureAwait(false);
            }
        }

        foreach (var endpoint in endpoints)
        {
            foreach (var (poolId, address) in new[] { (endpoint.PoolId, endpoint.Address), (endpoint.PoolIdIPv6, endpoint.AddressIPv6) })
            {
                if (poolId is not null && address is { } held)
                {
                    await DriverCalls.RunAsync($"{what}: IPAM {ipam.Name} refused address {held.Address} of endpoint {endpoint.Name} again",
                        () => ipam.Driver.RequestAddressAsync(new AddressRequest(poolId, held.Address), cancellationToken)).ConfigureAwait(false);
                }
            }
        }
    }
}
