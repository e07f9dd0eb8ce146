using Cnm.Core.Drivers;
using Cnm.Core.Errors;
using Cnm.Core.Model;

namespace Cnm.Core.Control;

public sealed partial class Controller
{
    /// <summary>
    /// Joins an endpoint to a sandbox: the driver's Join, the interface into the sandbox, then
    /// ProgramExternalConnectivity when the endpoint becomes the sandbox's gateway endpoint on a
    /// non-internal network (protocol-facts 3.14). A later failure undoes the earlier steps, Leave included.
    /// </summary>
    public async Task<Endpoint> JoinAsync(string endpointIdOrName, string sandboxIdOrName, CancellationToken cancellationToken)
    {
        Endpoint endpoint;
        Sandbox sandbox;
        Network owner;
        lock (_gate)
        {
            endpoint = Resolve(_endpoints, endpointIdOrName, "endpoint", e => e.Name);
            sandbox = Resolve(_sandboxes, sandboxIdOrName, "sandbox", s => s.Name);
            if (endpoint.SandboxId is not null)
            {
                throw CnmException.Conflict($"endpoint {endpoint.Name} is already joined to sandbox {endpoint.SandboxId[..12]}");
            }

            ThrowIfBusy(endpoint.State, "endpoint", endpoint.Name);
            ThrowIfBusy(sandbox.State, "sandbox", sandbox.Name);
            owner = _networks[endpoint.NetworkId];
            _endpoints[endpoint.Id] = endpoint = endpoint with { State = ObjectState.Busy };
            _sandboxes[sandbox.Id] = sandbox = sandbox with { State = ObjectState.Busy };
        }

        var rollback = NewRollback();
        try
        {
            var driver = await _drivers.GetNetworkDriverAsync(owner.Driver, cancellationToken).ConfigureAwait(false);
            var joinInfo = new JoinInfo();
            var sandboxOptions = GenericOptions.ForSandbox(sandbox.Options);
            var request = new JoinRequest(owner.Id, endpoint.Id, sandbox.Key, sandboxOptions);
            await DriverCallAsync($"endpoint {endpoint.Name}: driver {owner.Driver} failed to join it to sandbox {sandbox.Name}",
                () => driver.Driver.JoinAsync(request, joinInfo, cancellationToken)).ConfigureAwait(false);
            var nid = owner.Id;
            var eid = endpoint.Id;
            rollback.Add($"leave endpoint {endpoint.Name}", () => driver.Driver.LeaveAsync(nid, eid, CancellationToken.None));

            var join = joinInfo.Result;
            var joined = endpoint with { SandboxId = sandbox.Id, Join = join };
            await DriverCallAsync($"endpoint {endpoint.Name}: could not set up its interface in sandbox {sandbox.Name}",
                () => _sandboxProvider.AddInterfaceAsync(sandbox.Key, joined, join, cancellationToken)).ConfigureAwait(false);
            var key = sandbox.Key;
            rollback.Add($"remove interface of endpoint {endpoint.Name}",
                () => _sandboxProvider.RemoveInterfaceAsync(key, joined, CancellationToken.None));

            var gatewayId = sandbox.GatewayEndpointId;
            if (gatewayId is null && IsGatewayCandidate(owner, join))
            {
                gatewayId = endpoint.Id;
                if (driver.Driver is IExternalConnectivityDriver external)
                {
                    await DriverCallAsync($"endpoint {endpoint.Name}: driver {owner.Driver} failed programming external connectivity",
                        () => external.ProgramExternalConnectivityAsync(nid, eid, sandboxOptions, cancellationToken)).ConfigureAwait(false);
                    rollback.Add($"revoke external connectivity of endpoint {endpoint.Name}",
                        () => external.RevokeExternalConnectivityAsync(nid, eid, CancellationToken.None));
                }
            }

            var joinedReady = joined with { State = ObjectState.Ready };
            var sandboxReady = sandbox with
            {
                EndpointIds = [.. sandbox.EndpointIds, endpoint.Id],
                GatewayEndpointId = gatewayId,
                State = ObjectState.Ready,
            };
            await CommitAsync($"endpoint {endpoint.Name} was not joined to sandbox {sandbox.Name}", PutJoin(joinedReady, sandboxReady)).ConfigureAwait(false);
            lock (_gate)
            {
                _endpoints[endpoint.Id] = endpoint = joinedReady;
                _sandboxes[sandbox.Id] = sandboxReady;
            }

            return endpoint;
        }
        catch
        {
            await rollback.RunAsync().ConfigureAwait(false);
            lock (_gate)
            {
                _endpoints[endpoint.Id] = endpoint with { State = ObjectState.Ready };
                _sandboxes[sandbox.Id] = sandbox with { State = ObjectState.Ready };
            }

            throw;
        }
    }

    /// <summary>
    /// Detaches an endpoint from its sandbox: RevokeExternalConnectivity if it was the gateway endpoint,
    /// then Leave, then the interface comes out. The addresses stay with the endpoint. Driver errors are
    /// logged, not returned, as in the reference: the local state must not get stuck. The store records
    /// the leave first; if it cannot, the leave fails and changes nothing.
    /// </summary>
    public async Task<Endpoint> LeaveAsync(string endpointIdOrName, CancellationToken cancellationToken)
    {
        Endpoint endpoint;
        Sandbox sandbox;
        Network owner;
        lock (_gate)
        {
            endpoint = Resolve(_endpoints, endpointIdOrName, "endpoint", e => e.Name);
            if (endpoint.SandboxId is null)
            {
                throw CnmException.Conflict($"endpoint {endpoint.Name} is not joined to any sandbox");
            }

            sandbox = _sandboxes[endpoint.SandboxId];
            ThrowIfBusy(endpoint.State, "endpoint", endpoint.Name);
            if (sandbox.State == ObjectState.Busy)
            {
                throw CnmException.Conflict($"sandbox {sandbox.Name} is busy with another join or leave; try again");
            }

            owner = _networks[endpoint.NetworkId];
            _endpoints[endpoint.Id] = endpoint = endpoint with { State = ObjectState.Busy };
            _sandboxes[sandbox.Id] = sandbox = sandbox with { State = sandbox.State == ObjectState.Deleting ? ObjectState.Deleting : ObjectState.Busy };
        }

        var wasGateway = sandbox.GatewayEndpointId == endpoint.Id;
        var remaining = sandbox.EndpointIds.Where(id => id != endpoint.Id).ToList();
        var gatewayId = wasGateway ? NextGateway(remaining) : sandbox.GatewayEndpointId;
        var left = endpoint with { SandboxId = null, Join = null, State = ObjectState.Ready };
        var updated = sandbox with
        {
            EndpointIds = remaining,
            GatewayEndpointId = gatewayId,
            State = sandbox.State == ObjectState.Deleting ? ObjectState.Deleting : ObjectState.Ready,
        };

        // The store is written before the driver steps: those never fail, so a store failure changes nothing.
        try
        {
            await CommitAsync($"endpoint {endpoint.Name} did not leave sandbox {sandbox.Name}", PutJoin(left, updated)).ConfigureAwait(false);
        }
        catch
        {
            lock (_gate)
            {
                _endpoints[endpoint.Id] = endpoint with { State = ObjectState.Ready };
                _sandboxes[sandbox.Id] = updated with { EndpointIds = sandbox.EndpointIds, GatewayEndpointId = sandbox.GatewayEndpointId };
            }

            throw;
        }

        // Leave never gets stuck: every driver step is best effort, the driver lookup included.
        var (nid, eid) = (owner.Id, endpoint.Id);
        await BestEffortAsync($"leave of endpoint {endpoint.Name}", async () =>
        {
            var driver = await _drivers.GetNetworkDriverAsync(owner.Driver, cancellationToken).ConfigureAwait(false);
            if (wasGateway && driver.Driver is IExternalConnectivityDriver external)
            {
                await BestEffortAsync($"revoke external connectivity of endpoint {endpoint.Name}",
                    () => external.RevokeExternalConnectivityAsync(nid, eid, cancellationToken)).ConfigureAwait(false);
            }

            await driver.Driver.LeaveAsync(nid, eid, cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false);
        await BestEffortAsync($"remove interface of endpoint {endpoint.Name}",
            () => _sandboxProvider.RemoveInterfaceAsync(sandbox.Key, endpoint, cancellationToken)).ConfigureAwait(false);
        if (wasGateway && gatewayId is not null)
        {
            await ProgramGatewayAsync(sandbox, gatewayId, cancellationToken).ConfigureAwait(false);
        }

        lock (_gate)
        {
            _endpoints[endpoint.Id] = endpoint = left;
            _sandboxes[sandbox.Id] = updated;
        }

        return endpoint;
    }

    /// <summary>The first remaining endpoint (join order) that can be the gateway, or null.</summary>
    private string? NextGateway(IReadOnlyList<string> endpointIds)
    {
        lock (_gate)
        {
            return endpointIds.FirstOrDefault(id => _endpoints[id] is { Join: { } join } candidate
                && IsGatewayCandidate(_networks[candidate.NetworkId], join));
        }
    }

    /// <summary>Programs external connectivity for the sandbox's new gateway endpoint; errors are logged.</summary>
    private async Task ProgramGatewayAsync(Sandbox sandbox, string id, CancellationToken cancellationToken)
    {
        Endpoint candidate;
        Network network;
        lock (_gate)
        {
            candidate = _endpoints[id];
            network = _networks[candidate.NetworkId];
        }

        await BestEffortAsync($"program external connectivity of endpoint {candidate.Name}", async () =>
        {
            var driver = await _drivers.GetNetworkDriverAsync(network.Driver, cancellationToken).ConfigureAwait(false);
            if (driver.Driver is IExternalConnectivityDriver external)
            {
                var options = GenericOptions.ForSandbox(sandbox.Options);
                await external.ProgramExternalConnectivityAsync(network.Id, id, options, cancellationToken).ConfigureAwait(false);
            }
        }).ConfigureAwait(false);
    }

    private static bool IsGatewayCandidate(Network network, JoinResult join) =>
        !network.Options.Internal && !join.DisableGatewayService && network.Driver is not (BuiltInDrivers.Null or BuiltInDrivers.Host);

    private static void ThrowIfBusy(ObjectState state, string kind, string name)
    {
        if (state != ObjectState.Ready)
        {
            throw CnmException.Conflict($"{kind} {name} is busy ({state.ToString().ToLowerInvariant()}); try again");
        }
    }
}
