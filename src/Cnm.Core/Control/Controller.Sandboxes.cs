using Cnm.Core.Errors;
using Cnm.Core.Model;
using Cnm.Core.Persistence;
using Cnm.Core.Store;

namespace Cnm.Core.Control;

public sealed partial class Controller
{
    /// <summary>All sandboxes, by name.</summary>
    public IReadOnlyList<Sandbox> Sandboxes
    {
        get
        {
            lock (_gate)
            {
                return [.. _sandboxes.Values.Where(s => s.State != ObjectState.Creating).OrderBy(s => s.Name, StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>Finds a sandbox by id, name or unique id prefix.</summary>
    public Sandbox GetSandbox(string idOrName)
    {
        lock (_gate)
        {
            return Resolve(_sandboxes, idOrName, "sandbox", s => s.Name);
        }
    }

    /// <summary>Creates a sandbox for a container.</summary>
    public async Task<Sandbox> CreateSandboxAsync(SandboxCreateOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.ContainerId))
        {
            throw CnmException.InvalidParameter("sandbox container id must not be empty");
        }

        var name = string.IsNullOrWhiteSpace(options.Name) ? options.ContainerId : options.Name;
        var id = Ids.New();
        lock (_gate)
        {
            if (_sandboxes.Values.Any(s => s.Name == name || s.Options.ContainerId == options.ContainerId))
            {
                throw CnmException.Conflict($"a sandbox named {name} or for container {options.ContainerId} already exists");
            }

            _sandboxes.Add(id, new Sandbox { Id = id, Name = name, Key = "", Options = options, State = ObjectState.Creating });
        }

        try
        {
            var key = await DriverCallAsync($"sandbox {name}: could not create it",
                () => _sandboxProvider.CreateAsync(id, options, cancellationToken)).ConfigureAwait(false);
            var sandbox = new Sandbox { Id = id, Name = name, Key = key, Options = options, State = ObjectState.Ready };
            try
            {
                await CommitAsync($"sandbox {name} was not created", PutSandbox(sandbox)).ConfigureAwait(false);
            }
            catch
            {
                await BestEffortAsync($"delete sandbox {name} after the store failed", () => _sandboxProvider.DeleteAsync(key, CancellationToken.None)).ConfigureAwait(false);
                throw;
            }

            lock (_gate)
            {
                _sandboxes[id] = sandbox;
            }

            return sandbox;
        }
        catch
        {
            lock (_gate)
            {
                _sandboxes.Remove(id);
            }

            throw;
        }
    }

    /// <summary>
    /// Deletes a sandbox; every joined endpoint leaves first (last joined first). The endpoints stay. The
    /// leaves and the delete are one store commit, made before any driver step; if it fails, nothing changes.
    /// </summary>
    public async Task DeleteSandboxAsync(string idOrName, CancellationToken cancellationToken)
    {
        Sandbox sandbox;
        var plans = new List<LeavePlan>();
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
                var plan = PlanLeave(endpoint, current);
                plans.Add(plan);
                current = plan.Sandbox;
            }

            joined.ForEach(e => _endpoints[e.Id] = e with { State = ObjectState.Busy });
            _sandboxes[sandbox.Id] = sandbox with { State = ObjectState.Deleting };
        }

        var transaction = new StoreTransaction();
        plans.ForEach(p => transaction.Put(StateKeys.Endpoint(p.Left.Id), StateMapping.Serialize(p.Left)));
        var intents = plans.Select(LeaveIntent).ToList();
        intents.ForEach(i => PutIntentIfDurable(transaction, i));
        try
        {
            await CommitAsync($"sandbox {sandbox.Name} was not deleted", transaction.Delete(StateKeys.Sandbox(sandbox.Id))).ConfigureAwait(false);
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

        var undelivered = new List<PendingCall>();
        foreach (var (plan, intent) in plans.Zip(intents))
        {
            undelivered.AddRange(await RunLeaveStepsAsync(plan, intent, CancellationToken.None).ConfigureAwait(false));
            lock (_gate)
            {
                _endpoints[plan.Left.Id] = plan.Left;
            }
        }

        await EndLeaveIntentsAsync(intents, undelivered).ConfigureAwait(false);
        await BestEffortAsync($"delete sandbox {sandbox.Name}",
            () => _sandboxProvider.DeleteAsync(sandbox.Key, cancellationToken)).ConfigureAwait(false);
        lock (_gate)
        {
            _sandboxes.Remove(sandbox.Id);
        }
    }
}
