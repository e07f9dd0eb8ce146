using Cnm.Core.Drivers;
using Cnm.Core.Errors;
using Cnm.Core.Model;
using Cnm.Core.Persistence;

namespace Cnm.Core.Control;

public sealed partial class Controller
{
    /// <summary>
    /// Joins an endpoint to a sandbox: the driver's Join, the interface into the sandbox, then
    /// ProgramExternalConnectivity when the endpoint becomes the sandbox's gateway endpoint on a
    /// non-internal network (docs/reference-host.md §3.14). A later failure undoes the earlier steps, Leave included.
    /// After the commit, the sandbox gets or loses its default gateway endpoint (spec/bridge.md, "Default gateway network");
    /// a failure there undoes the join too.
    /// </summary>
    public async Task<Endpoint> JoinAsync(string endpointIdOrName, string sandboxIdOrName, CancellationToken cancellationToken)
    {
        var joined = await JoinCoreAsync(endpointIdOrName, sandboxIdOrName, cancellationToken).ConfigureAwait(false);
        await AfterJoinAsync(joined, deleteOnFailure: false, cancellationToken).ConfigureAwait(false);
        return joined;
    }

    /// <summary>The join itself, without the default gateway step.</summary>
    private async Task<Endpoint> JoinCoreAsync(string endpointIdOrName, string sandboxIdOrName, CancellationToken cancellationToken)
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

        var notJoined = $"endpoint {endpoint.Name} was not joined to sandbox {sandbox.Name}";
        var rollback = NewRollback();
        Intent? intent = null;
        try
        {
            var driver = await _drivers.GetNetworkDriverAsync(owner.Driver, cancellationToken).ConfigureAwait(false);
            intent = _journal.NewIntent(IntentOperations.Join, endpoint.Id, endpoint.Name, durable: !driver.IsBuiltIn);
            var (joined, sandboxReady) = await JoinInDriverAsync(
                new JoinWork(IntentOperations.Join, owner, driver, endpoint, sandbox, intent, rollback, notJoined), cancellationToken).ConfigureAwait(false);
            await _journal.CommitEndAsync(notJoined, OperationJournal.PutJoin(joined, sandboxReady), intent).ConfigureAwait(false);
            lock (_gate)
            {
                _endpoints[endpoint.Id] = joined;
                _sandboxes[sandbox.Id] = sandboxReady;
            }

            await _journal.StepAsync(IntentOperations.Join, "commit").ConfigureAwait(false);
            return joined;
        }
        catch
        {
            await rollback.RunAsync().ConfigureAwait(false);
            if (intent is not null)
            {
                await _journal.DropIntentAsync(intent).ConfigureAwait(false);
            }

            lock (_gate)
            {
                _endpoints[endpoint.Id] = endpoint with { State = ObjectState.Ready };
                _sandboxes[sandbox.Id] = sandbox with { State = ObjectState.Ready };
            }

            throw;
        }
    }

    /// <summary>
    /// The driver side of a join (alone or as the second half of a connect): the intent gets the Leave (and the Revoke)
    /// that undo it and is written, then the driver's Join, the interface into the sandbox, and Program when the endpoint
    /// becomes the gateway endpoint, each undone by the work's rollback. Returns the endpoint and sandbox as they will be
    /// committed (ready).
    /// </summary>
    private async Task<(Endpoint Endpoint, Sandbox Sandbox)> JoinInDriverAsync(JoinWork work, CancellationToken cancellationToken)
    {
        var (owner, driver, endpoint, sandbox, intent, rollback, op) = (work.Owner, work.Driver, work.Endpoint, work.Sandbox, work.Intent, work.Rollback, work.Operation);
        var nid = owner.Id;
        var eid = endpoint.Id;
        var leave = new PendingCall { Method = PendingMethods.Leave, Driver = owner.Driver, NetworkId = nid, EndpointId = eid };
        intent.AddFirstCall(leave);
        bool gatewayOpen; // no gateway endpoint yet, or only the default gateway one, which a gateway of a network's own replaces
        lock (_gate)
        {
            gatewayOpen = sandbox.GatewayEndpointId is not { } current || IsDefaultGatewayEndpoint(current);
        }

        if (gatewayOpen && !owner.Options.Internal && driver.Driver is IExternalConnectivityDriver)
        {
            intent.AddFirstCall(new PendingCall { Method = PendingMethods.RevokeExternalConnectivity, Driver = owner.Driver, NetworkId = nid, EndpointId = eid });
        }

        await _pending.FlushForAsync(nid, eid, cancellationToken).ConfigureAwait(false);
        if (intent.Written)
        {
            await _journal.WriteIntentAsync(intent, work.NotDone).ConfigureAwait(false); // a connect's: now with the Leave
        }
        else
        {
            await _journal.EnsureIntentAsync(intent, work.NotDone).ConfigureAwait(false);
        }

        var joinInfo = new JoinInfo();
        var sandboxOptions = GenericOptions.ForSandbox(sandbox.Options);
        var request = new JoinArgs(owner.Id, endpoint.Id, sandbox.Key, sandboxOptions);
        await _journal.CallAsync($"endpoint {endpoint.Name}: driver {owner.Driver} failed to join it to sandbox {sandbox.Name}",
            () => driver.Driver.JoinAsync(request, joinInfo, cancellationToken), intent, leave).ConfigureAwait(false);
        rollback.Add($"leave endpoint {endpoint.Name}", () => driver.Driver.LeaveAsync(nid, eid, CancellationToken.None));
        await _journal.StepAsync(op, "Join").ConfigureAwait(false);

        var join = joinInfo.Result;
        var joined = endpoint with { SandboxId = sandbox.Id, Join = join };
        // A Join that names no interface (no InterfaceName, or an empty SrcName) means the driver set the sandbox up
        // itself: nothing is moved in, and nothing is moved out on leave (spec/controller.md, "Join without an interface").
        var becomesGateway = gatewayOpen && IsGatewayCandidate(owner, join);
        if (HasInterface(join))
        {
            await DriverCalls.RunAsync($"endpoint {endpoint.Name}: could not set up its interface in sandbox {sandbox.Name}",
                () => _sandboxProvider.AddInterfaceAsync(sandbox.Key, joined, join, becomesGateway, cancellationToken)).ConfigureAwait(false);
            var key = sandbox.Key;
            rollback.Add($"remove interface of endpoint {endpoint.Name}",
                () => _sandboxProvider.RemoveInterfaceAsync(key, joined, null, CancellationToken.None));
            await _journal.StepAsync(op, "AddInterface").ConfigureAwait(false);
        }

        var gatewayId = sandbox.GatewayEndpointId;
        if (becomesGateway)
        {
            gatewayId = endpoint.Id;
            await RevokePreviousGatewayAsync(sandbox, endpoint, op, cancellationToken).ConfigureAwait(false);
            if (driver.Driver is IExternalConnectivityDriver external)
            {
                await DriverCalls.RunAsync($"endpoint {endpoint.Name}: driver {owner.Driver} failed programming external connectivity",
                    () => external.ProgramExternalConnectivityAsync(nid, eid, sandboxOptions, cancellationToken)).ConfigureAwait(false);
                rollback.Add($"revoke external connectivity of endpoint {endpoint.Name}",
                    () => external.RevokeExternalConnectivityAsync(nid, eid, CancellationToken.None));
                await _journal.StepAsync(op, "ProgramExternalConnectivity").ConfigureAwait(false);
            }
        }

        return (joined with { State = ObjectState.Ready }, sandbox with
        {
            EndpointIds = [.. sandbox.EndpointIds, endpoint.Id],
            GatewayEndpointId = gatewayId,
            State = ObjectState.Ready,
        });
    }

    /// <summary>
    /// When the joining endpoint takes the gateway over from one the reference counts as the gateway endpoint (an
    /// internal network's, which never got Program: <see cref="ReferenceGatewayId"/>), that one gets
    /// RevokeExternalConnectivity first, as the reference's <c>sbJoin</c> sends it. A failure fails the join.
    /// </summary>
    private async Task RevokePreviousGatewayAsync(Sandbox sandbox, Endpoint joining, string operation, CancellationToken cancellationToken)
    {
        Endpoint previous;
        Network network;
        lock (_gate)
        {
            if (ReferenceGatewayId(sandbox) is not { } id || id == joining.Id)
            {
                return;
            }

            previous = _endpoints[id];
            network = _networks[previous.NetworkId];
        }

        var driver = await _drivers.GetNetworkDriverAsync(network.Driver, cancellationToken).ConfigureAwait(false);
        if (driver.Driver is IExternalConnectivityDriver external)
        {
            await DriverCalls.RunAsync($"endpoint {joining.Name}: driver {network.Driver} failed revoking external connectivity on endpoint {previous.Name}",
                () => external.RevokeExternalConnectivityAsync(network.Id, previous.Id, cancellationToken)).ConfigureAwait(false);
            await _journal.StepAsync(operation, "RevokeExternalConnectivity").ConfigureAwait(false);
        }
    }

    /// <summary>True when the driver's Join named a host interface to move into the sandbox.</summary>
    private static bool HasInterface(JoinResult? join) => !string.IsNullOrEmpty(join?.SrcName);

    /// <summary>
    /// Whether an endpoint can be the sandbox's gateway endpoint, the one that gets ProgramExternalConnectivity: as
    /// libnetwork's <c>getGatewayEndpoint</c>, only one whose Join gave an IPv4 gateway, on a network that is not
    /// internal, null or host, without DisableGatewayService. A Join without a gateway gets the default gateway endpoint
    /// instead (spec/bridge.md, "Default gateway network"), and its own network never hears Program.
    /// </summary>
    private static bool IsGatewayCandidate(Network network, JoinResult join) =>
        join.Gateway is not null && !network.Options.Internal && !join.DisableGatewayService && network.Driver is not (BuiltInDrivers.Null or BuiltInDrivers.Host);

    private static void ThrowIfBusy(ObjectState state, string kind, string name)
    {
        if (state != ObjectState.Ready)
        {
            throw CnmException.Conflict($"{kind} {name} is busy ({state.ToString().ToLowerInvariant()}); try again");
        }
    }
}
