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
    /// the leave first; if it cannot, the leave fails and changes nothing. Then the sandbox loses its default gateway
    /// endpoint when it no longer needs it (spec/bridge.md, "Default gateway network").
    /// </summary>
    public async Task<Endpoint> LeaveAsync(string endpointIdOrName, CancellationToken cancellationToken)
    {
        var (left, sandboxId) = await LeaveCoreAsync(endpointIdOrName, cancellationToken).ConfigureAwait(false);
        await AfterLeaveAsync(sandboxId).ConfigureAwait(false);
        return left;
    }

    /// <summary>The leave itself, without the default gateway step; returns the endpoint as left and the sandbox it left.</summary>
    private async Task<(Endpoint Left, string SandboxId)> LeaveCoreAsync(string endpointIdOrName, CancellationToken cancellationToken)
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
        // The intent written with it lists the driver calls still to make, so a crash in between cannot lose them.
        const string op = IntentOperations.Leave;
        var intent = LeaveIntent(plan);
        try
        {
            await _journal.CommitAsync($"endpoint {endpoint.Name} did not leave sandbox {sandbox.Name}",
                OperationJournal.PutIntentIfDurable(OperationJournal.PutJoin(plan.Left, plan.Sandbox), intent)).ConfigureAwait(false);
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

        await _journal.StepAsync(op, "commit").ConfigureAwait(false);
        // Committed: the leave finishes even if the caller gives up.
        var undelivered = await RunLeaveStepsAsync(plan, intent.Calls, CancellationToken.None).ConfigureAwait(false);
        lock (_gate)
        {
            _endpoints[endpoint.Id] = plan.Left;
            _sandboxes[sandbox.Id] = plan.Sandbox;
        }

        await _journal.EndLeaveIntentsAsync([intent], undelivered).ConfigureAwait(false);
        await _journal.StepAsync(op, "end").ConfigureAwait(false);
        return (plan.Left, sandbox.Id);
    }

    /// <summary>The intent of a leave: the calls it still has to make, in order. Durable when a driver involved is not built in.</summary>
    private Intent LeaveIntent(LeavePlan plan)
    {
        var calls = LeaveCalls(plan);
        var intent = _journal.NewIntent(IntentOperations.Leave, plan.Endpoint.Id, plan.Endpoint.Name, durable: calls.Any(c => !_journal.IsBuiltInNetworkDriver(c.Driver)));
        calls.ForEach(intent.AddCall);
        return intent;
    }

    /// <summary>
    /// The driver calls of a leave, in order: Revoke when the endpoint is the sandbox's gateway endpoint as the reference
    /// counts it (<see cref="PlanLeave"/>), Leave, then Program for the next gateway endpoint.
    /// </summary>
    private List<PendingCall> LeaveCalls(LeavePlan plan)
    {
        var (endpoint, owner) = (plan.Endpoint, plan.Owner);
        var calls = new List<PendingCall>();
        if (plan.Revokes)
        {
            calls.Add(new PendingCall { Method = PendingMethods.RevokeExternalConnectivity, Driver = owner.Driver, NetworkId = owner.Id, EndpointId = endpoint.Id });
        }

        calls.Add(new PendingCall { Method = PendingMethods.Leave, Driver = owner.Driver, NetworkId = owner.Id, EndpointId = endpoint.Id });
        if (plan.WasGateway && plan.Sandbox.GatewayEndpointId is { } next)
        {
            string nextDriver, nextNetwork;
            lock (_gate)
            {
                nextNetwork = _endpoints[next].NetworkId;
                nextDriver = _networks[nextNetwork].Driver;
            }

            calls.Add(new PendingCall
            {
                Method = PendingMethods.ProgramExternalConnectivity, Driver = nextDriver, NetworkId = nextNetwork, EndpointId = next, SandboxId = plan.Sandbox.Id,
            });
        }

        return calls;
    }

    /// <summary>
    /// The leave of <paramref name="endpoint"/> from <paramref name="sandbox"/> as it will be: the endpoint
    /// unbound, the sandbox without it, and the next gateway endpoint when it was the gateway. Called
    /// under the lock; the next gateway follows from memory, so it is known before any driver call.
    /// </summary>
    private LeavePlan PlanLeave(Endpoint endpoint, Sandbox sandbox)
    {
        var wasGateway = sandbox.GatewayEndpointId == endpoint.Id;
        var revokes = ReferenceGatewayId(sandbox) == endpoint.Id;
        var remaining = sandbox.EndpointIds.Where(id => id != endpoint.Id).ToList();
        var gatewayId = wasGateway
            ? remaining.FirstOrDefault(id => _endpoints[id] is { Join: { } join } candidate && IsGatewayCandidate(_networks[candidate.NetworkId], join))
            : sandbox.GatewayEndpointId;
        return new LeavePlan(
            endpoint,
            _networks[endpoint.NetworkId],
            wasGateway,
            revokes,
            endpoint with { SandboxId = null, Join = null, State = ObjectState.Ready },
            sandbox with { EndpointIds = remaining, GatewayEndpointId = gatewayId, State = ObjectState.Ready });
    }

    /// <summary>
    /// The sandbox's gateway endpoint as libnetwork's <c>getGatewayEndpoint</c> finds it, the one that gets Revoke when it
    /// leaves: the gateway endpoint Cnm programs, or else the first joined endpoint (not on a null or host network, those
    /// of non-internal networks first) whose Join gave a gateway. That is how an endpoint of an <c>--internal</c> network,
    /// which never got ProgramExternalConnectivity, still gets RevokeExternalConnectivity on leave, as in the reference.
    /// Called under the lock.
    /// </summary>
    private string? ReferenceGatewayId(Sandbox sandbox) =>
        sandbox.GatewayEndpointId ?? sandbox.EndpointIds
            .Select(id => _endpoints[id])
            .Where(e => e.Join?.Gateway is not null && _networks[e.NetworkId].Driver is not (BuiltInDrivers.Null or BuiltInDrivers.Host))
            .OrderBy(e => _networks[e.NetworkId].Options.Internal)
            .FirstOrDefault()?.Id;

    /// <summary>
    /// The driver steps of a leave, each best effort: Revoke (if it was the gateway) and Leave, the interface
    /// out of the sandbox, then Program for the next gateway. A leave never gets stuck; the calls whose driver
    /// could not be reached are returned, to be kept as pending calls.
    /// </summary>
    private async Task<List<PendingCall>> RunLeaveStepsAsync(LeavePlan plan, IReadOnlyList<PendingCall> calls, CancellationToken cancellationToken)
    {
        var undelivered = new List<PendingCall>();
        foreach (var call in calls.Where(c => c.Method != PendingMethods.ProgramExternalConnectivity))
        {
            await RunLeaveCallAsync(call).ConfigureAwait(false);
        }

        if (HasInterface(plan.Endpoint.Join))
        {
            Endpoint? nextGateway = null;
            if (plan.WasGateway && plan.Sandbox.GatewayEndpointId is { } next)
            {
                lock (_gate)
                {
                    nextGateway = _endpoints.GetValueOrDefault(next);
                }
            }

            await BestEffortAsync($"remove interface of endpoint {plan.Endpoint.Name}",
                () => _sandboxProvider.RemoveInterfaceAsync(plan.Sandbox.Key, plan.Endpoint, nextGateway, cancellationToken)).ConfigureAwait(false);
            await _journal.StepAsync(IntentOperations.Leave, "RemoveInterface").ConfigureAwait(false);
        }
        foreach (var call in calls.Where(c => c.Method == PendingMethods.ProgramExternalConnectivity))
        {
            await RunLeaveCallAsync(call).ConfigureAwait(false);
        }

        return undelivered;

        async Task RunLeaveCallAsync(PendingCall call)
        {
            var (outcome, error) = await _pending.SendAsync(call, cancellationToken).ConfigureAwait(false);
            if (outcome == CallOutcome.Unreachable)
            {
                undelivered.Add(call with { Reason = $"leave of endpoint {plan.Endpoint.Name} while driver {call.Driver} could not be reached" });
            }
            else if (outcome == CallOutcome.Refused)
            {
                ControlLog.CleanupFailed(_logger, $"{call.Describe()} for the leave of endpoint {plan.Endpoint.Name}", error!);
            }

            await _journal.StepAsync(IntentOperations.Leave, call.Method).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// One planned leave: the endpoint as it was, its network, whether it was the gateway endpoint Cnm programmed, whether
    /// it gets Revoke, and the endpoint and sandbox after it.
    /// </summary>
    private sealed record LeavePlan(Endpoint Endpoint, Network Owner, bool WasGateway, bool Revokes, Endpoint Left, Sandbox Sandbox);
}
