using Cnm.Core.Model;
using Cnm.Core.Persistence;
using Cnm.Core.Store;

namespace Cnm.Core.Control;

public sealed partial class Controller
{
    /// <summary>
    /// Deletes a sandbox and, as libnetwork's <c>sandbox.Delete</c> does, every endpoint joined to it, last joined
    /// first (spec/controller.md, "Sandbox delete"). Per endpoint: RevokeExternalConnectivity if it is the sandbox's
    /// gateway endpoint, Leave, the interface out, then DeleteEndpoint and the address releases. One store commit,
    /// made before any driver call, removes the sandbox and its endpoints and records what each still owes its
    /// drivers; if it fails, nothing changes. After it the driver steps never fail the delete: a refusal is logged
    /// (the reference only logs them too), and a call whose driver cannot be reached is kept as a pending call.
    /// </summary>
    public async Task DeleteSandboxAsync(string idOrName, CancellationToken cancellationToken)
    {
        Sandbox sandbox;
        var plans = new List<SandboxEndpointDelete>();
        var joined = new List<Endpoint>();
        lock (_gate)
        {
            sandbox = Resolve(_sandboxes, idOrName, "sandbox", s => s.Name);
            ThrowIfBusy(sandbox.State, "sandbox", sandbox.Name);
            joined.AddRange(sandbox.EndpointIds.Select(id => _endpoints[id]));
            foreach (var endpoint in joined)
            {
                ThrowIfBusy(endpoint.State, "endpoint", endpoint.Name);
            }

            // Each leave is planned on the sandbox as the leaves before it leave it, so the gateway moves as
            // it does with one leave at a time.
            var current = sandbox;
            foreach (var endpoint in Enumerable.Reverse(joined))
            {
                var leave = PlanLeave(endpoint, current);
                plans.Add(PlanSandboxEndpointDelete(leave));
                current = leave.Sandbox;
            }

            joined.ForEach(e => _endpoints[e.Id] = e with { State = ObjectState.Deleting });
            _sandboxes[sandbox.Id] = sandbox with { State = ObjectState.Deleting };
        }

        var transaction = new StoreTransaction().Delete(StateKeys.Sandbox(sandbox.Id));
        foreach (var plan in plans)
        {
            transaction.Delete(StateKeys.Endpoint(plan.Leave.Endpoint.Id));
            OperationJournal.PutIntentIfDurable(transaction, plan.Intent);
        }

        try
        {
            await _journal.CommitAsync($"sandbox {sandbox.Name} was not deleted", transaction).ConfigureAwait(false);
        }
        catch
        {
            lock (_gate)
            {
                joined.ForEach(e => _endpoints[e.Id] = e);
                _sandboxes[sandbox.Id] = sandbox;
            }

            throw;
        }

        // Committed: the delete finishes even if the caller gives up.
        var undelivered = new List<PendingCall>();
        foreach (var plan in plans)
        {
            undelivered.AddRange(await RunLeaveStepsAsync(plan.Leave, plan.LeaveCalls, CancellationToken.None).ConfigureAwait(false));
            var what = $"endpoint {plan.Leave.Endpoint.Name} of deleted sandbox {sandbox.Name}";
            var (outcome, error) = await _pending.SendAsync(plan.DeleteCall, CancellationToken.None).ConfigureAwait(false);
            if (outcome == CallOutcome.Unreachable)
            {
                undelivered.Add(plan.DeleteCall with { Reason = $"delete of {what} while driver {plan.DeleteCall.Driver} could not be reached" });
            }
            else if (outcome == CallOutcome.Refused)
            {
                ControlLog.CleanupFailed(_logger, $"{plan.DeleteCall.Describe()} for the delete of {what}", error!);
            }

            await _journal.StepAsync(IntentOperations.EndpointDelete, plan.DeleteCall.Method).ConfigureAwait(false);
            var releases = await _journal.RunReleasesAsync(plan.Releases, plan.TracksIpam ? IntentOperations.EndpointDelete : null, what).ConfigureAwait(false);
            if (plan.TracksIpam)
            {
                undelivered.AddRange(releases);
            }

            lock (_gate)
            {
                _endpoints.Remove(plan.Leave.Endpoint.Id);
            }
        }

        await _journal.EndLeaveIntentsAsync([.. plans.Select(p => p.Intent)], undelivered).ConfigureAwait(false);
        await BestEffortAsync($"delete sandbox {sandbox.Name}",
            () => _sandboxProvider.DeleteAsync(sandbox.Key, cancellationToken)).ConfigureAwait(false);
        lock (_gate)
        {
            _sandboxes.Remove(sandbox.Id);
        }
    }

    /// <summary>
    /// One endpoint of a sandbox delete: its leave, then DeleteEndpoint and the releases. The intent (an endpoint
    /// delete, so start-up finishes it) lists them all: the leave's calls, the delete, then the tracked releases.
    /// Called under the lock.
    /// </summary>
    private SandboxEndpointDelete PlanSandboxEndpointDelete(LeavePlan leave)
    {
        var (endpoint, owner) = (leave.Endpoint, leave.Owner);
        var leaveCalls = LeaveCalls(leave);
        var delete = new PendingCall { Method = PendingMethods.DeleteEndpoint, Driver = owner.Driver, NetworkId = owner.Id, EndpointId = endpoint.Id };
        var releases = ReleaseCalls.OfEndpoint(owner.IpamDriver, endpoint);

        var tracksIpam = releases.Count > 0 && _journal.TracksIpam(owner.IpamDriver);
        var intent = _journal.NewIntent(IntentOperations.EndpointDelete, endpoint.Id, endpoint.Name,
            durable: tracksIpam || leaveCalls.Append(delete).Any(c => !_journal.IsBuiltInNetworkDriver(c.Driver)));
        leaveCalls.ForEach(intent.AddCall);
        intent.AddCall(delete);
        if (tracksIpam)
        {
            releases.ForEach(intent.AddCall);
        }

        return new SandboxEndpointDelete(leave, leaveCalls, delete, releases, tracksIpam, intent);
    }

    private sealed record SandboxEndpointDelete(LeavePlan Leave, List<PendingCall> LeaveCalls, PendingCall DeleteCall,
        IReadOnlyList<PendingCall> Releases, bool TracksIpam, Intent Intent);
}
