using Cnm.Core.Drivers;
using Cnm.Core.Errors;
using Cnm.Core.Model;
using Cnm.Core.Persistence;
using Cnm.Core.Store;

namespace Cnm.Core.Control;

public sealed partial class Controller
{
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
        LeavePlan plan;
        lock (_gate)
        {
            endpoint = Resolve(_endpoints, endpointIdOrName, "endpoint", e => e.Name);
            if (endpoint.SandboxId is null)
            {
                throw CnmException.Conflict($"endpoint {endpoint.Name} is not joined to any sandbox");
            }

            sandbox = _sandboxes[endpoint.SandboxId];
            ThrowIfBusy(endpoint.State, "endpoint", endpoint.Name);
            ThrowIfBusy(sandbox.State, "sandbox", sandbox.Name);
            plan = PlanLeave(endpoint, sandbox);
            _endpoints[endpoint.Id] = endpoint with { State = ObjectState.Busy };
            _sandboxes[sandbox.Id] = sandbox with { State = ObjectState.Busy };
        }

        // The store is written before the driver steps: those never fail, so a store failure changes nothing.
        try
        {
            await CommitAsync($"endpoint {endpoint.Name} did not leave sandbox {sandbox.Name}", PutJoin(plan.Left, plan.Sandbox)).ConfigureAwait(false);
        }
        catch
        {
            lock (_gate)
            {
                _endpoints[endpoint.Id] = endpoint;
                _sandboxes[sandbox.Id] = sandbox;
            }

            throw;
        }

        await RunLeaveStepsAsync(plan, cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            _endpoints[endpoint.Id] = plan.Left;
            _sandboxes[sandbox.Id] = plan.Sandbox;
        }

        return plan.Left;
    }

    /// <summary>
    /// The leave of <paramref name="endpoint"/> from <paramref name="sandbox"/> as it will be: the endpoint
    /// unbound, the sandbox without it, and the next gateway endpoint when it was the gateway. Called
    /// under the lock; the next gateway follows from memory, so it is known before any driver call.
    /// </summary>
    private LeavePlan PlanLeave(Endpoint endpoint, Sandbox sandbox)
    {
        var wasGateway = sandbox.GatewayEndpointId == endpoint.Id;
        var remaining = sandbox.EndpointIds.Where(id => id != endpoint.Id).ToList();
        var gatewayId = wasGateway
            ? remaining.FirstOrDefault(id => _endpoints[id] is { Join: { } join } candidate && IsGatewayCandidate(_networks[candidate.NetworkId], join))
            : sandbox.GatewayEndpointId;
        return new LeavePlan(
            endpoint,
            _networks[endpoint.NetworkId],
            wasGateway,
            endpoint with { SandboxId = null, Join = null, State = ObjectState.Ready },
            sandbox with { EndpointIds = remaining, GatewayEndpointId = gatewayId, State = ObjectState.Ready });
    }

    /// <summary>The driver steps of a leave, each best effort, the driver lookup included: a leave never gets stuck.</summary>
    private async Task RunLeaveStepsAsync(LeavePlan plan, CancellationToken cancellationToken)
    {
        var (endpoint, owner) = (plan.Endpoint, plan.Owner);
        var (nid, eid) = (owner.Id, endpoint.Id);
        await BestEffortAsync($"leave of endpoint {endpoint.Name}", async () =>
        {
            var driver = await _drivers.GetNetworkDriverAsync(owner.Driver, cancellationToken).ConfigureAwait(false);
            if (plan.WasGateway && driver.Driver is IExternalConnectivityDriver external)
            {
                await BestEffortAsync($"revoke external connectivity of endpoint {endpoint.Name}",
                    () => external.RevokeExternalConnectivityAsync(nid, eid, cancellationToken)).ConfigureAwait(false);
            }

            await driver.Driver.LeaveAsync(nid, eid, cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false);
        await BestEffortAsync($"remove interface of endpoint {endpoint.Name}",
            () => _sandboxProvider.RemoveInterfaceAsync(plan.Sandbox.Key, endpoint, cancellationToken)).ConfigureAwait(false);
        if (plan.WasGateway && plan.Sandbox.GatewayEndpointId is { } next)
        {
            await ProgramGatewayAsync(plan.Sandbox, next, cancellationToken).ConfigureAwait(false);
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

    /// <summary>One planned leave: the endpoint as it was, its network, and the endpoint and sandbox after it.</summary>
    private sealed record LeavePlan(Endpoint Endpoint, Network Owner, bool WasGateway, Endpoint Left, Sandbox Sandbox);
}
