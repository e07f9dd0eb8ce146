using Cnm.Core.Errors;
using Cnm.Core.Model;
using Cnm.Core.Persistence;

namespace Cnm.Core.Control;

public sealed partial class Controller
{
    /// <summary>
    /// Connects a sandbox to a network, as Docker's <c>network connect</c> does: an endpoint named after the sandbox is
    /// created and joined (spec/controller.md, "Connect and disconnect"), as one operation with one intent and one commit.
    /// Its CreateEndpoint carries the sandbox's port lists, empty when it has none, as dockerd sends them. A failure at any
    /// step undoes the earlier ones (Leave, DeleteEndpoint, the releases), and a crash before the commit is undone at the
    /// next start from the intent, like any create; the endpoint exists only once it is joined. After the commit, the
    /// sandbox gets or loses its default gateway endpoint (spec/bridge.md, "Default gateway network"); a failure there
    /// deletes the endpoint again and fails the connect.
    /// </summary>
    public async Task<Endpoint> ConnectAsync(string network, string sandboxIdOrName, EndpointCreateOptions options, CancellationToken cancellationToken)
    {
        var joined = await ConnectCoreAsync(network, sandboxIdOrName, options, cancellationToken).ConfigureAwait(false);
        await AfterJoinAsync(joined, deleteOnFailure: true, cancellationToken).ConfigureAwait(false);
        return joined;
    }

    /// <summary>The connect itself, without the default gateway step.</summary>
    private async Task<Endpoint> ConnectCoreAsync(string network, string sandboxIdOrName, EndpointCreateOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var sandbox = GetSandbox(sandboxIdOrName);
        var owner = GetNetwork(network);
        await ThrowIfWaitingAsync(owner, "connect to it", cancellationToken).ConfigureAwait(false);
        var work = ReserveEndpoint(owner.Id, options with
        {
            ExposedPorts = options.ExposedPorts ?? sandbox.Options.ExposedPorts ?? [],
            PortBindings = options.PortBindings ?? sandbox.Options.PortBindings ?? [],
        }, IntentOperations.Connect);
        lock (_gate)
        {
            if (!_sandboxes.TryGetValue(sandbox.Id, out var current) || current.State != ObjectState.Ready)
            {
                _endpoints.Remove(work.Endpoint.Id);
                throw current is null ? CnmException.NotFound($"sandbox {sandbox.Name} not found") : CnmException.Conflict(
                    $"sandbox {sandbox.Name} is busy ({current.State.ToString().ToLowerInvariant()}); try again");
            }

            sandbox = current;
            _sandboxes[sandbox.Id] = sandbox with { State = ObjectState.Busy };
        }

        try
        {
            var created = await CreateInDriverAsync(work, cancellationToken).ConfigureAwait(false);
            var driver = await _drivers.GetNetworkDriverAsync(work.Owner.Driver, cancellationToken).ConfigureAwait(false);
            var (joined, sandboxReady) = await JoinInDriverAsync(new JoinWork(IntentOperations.Connect, work.Owner, driver, created,
                sandbox with { State = ObjectState.Busy }, work.Intent, work.Rollback, work.NotDone), cancellationToken).ConfigureAwait(false);
            await _journal.CommitEndAsync(work.NotDone, OperationJournal.PutJoin(joined, sandboxReady), work.Intent).ConfigureAwait(false);
            lock (_gate)
            {
                _endpoints[joined.Id] = joined;
                _sandboxes[sandbox.Id] = sandboxReady;
            }

            await _journal.StepAsync(IntentOperations.Connect, "commit").ConfigureAwait(false);
            return joined;
        }
        catch
        {
            await UndoEndpointAsync(work).ConfigureAwait(false);
            lock (_gate)
            {
                _sandboxes[sandbox.Id] = sandbox;
            }

            throw;
        }
    }

    /// <summary>
    /// Disconnects a sandbox from a network, as Docker's <c>network disconnect</c> does: the joined endpoint leaves and is
    /// deleted. Driver errors of the leave and the delete are logged and a driver that cannot be reached gets its calls as
    /// pending calls, as the reference only logs them: the disconnect never stops half way. On a network waiting for its
    /// plugin (after waiting for an activation in flight) it fails and changes nothing. Forced, it deletes the network's endpoint named
    /// <paramref name="container"/> (or the sandbox's name) whatever its state, joined or not, as Docker's
    /// <c>disconnect -f</c> does, also when no such sandbox exists any more.
    /// </summary>
    public async Task DisconnectAsync(string network, string container, bool force, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(container);
        var owner = GetNetwork(network);
        Sandbox? sandbox = null;
        try
        {
            sandbox = GetSandbox(container);
        }
        catch (CnmException ex) when (ex.Category == Protocol.ErrorCategory.NotFound && force)
        {
        }

        var endpoint = FindConnected();
        if (!force)
        {
            await ThrowIfWaitingAsync(owner, $"disconnect container {container}", cancellationToken).ConfigureAwait(false);
            endpoint = FindConnected(); // the check may have waited for the plugin: a concurrent disconnect may have won
        }

        await DeleteEndpointAsync(endpoint.Id, force: true, cancellationToken).ConfigureAwait(false);

        Endpoint FindConnected()
        {
            lock (_gate)
            {
                var found = _endpoints.Values.FirstOrDefault(e => e.NetworkId == owner.Id && sandbox is not null && e.SandboxId == sandbox.Id);
                if (found is null && force)
                {
                    found = _endpoints.Values.FirstOrDefault(e => e.NetworkId == owner.Id && (e.Name == container || e.Name == sandbox?.Name));
                }

                return found ?? throw CnmException.NotFound($"container {container} is not connected to network {owner.Name}");
            }
        }
    }

    /// <summary>
    /// Refuses an operation on a network that is waiting for its plugin, before it changes anything. A network that
    /// is not ready first has its drivers looked up by name again, registered or not: that waits for an activation in
    /// flight (right after a restart, or while the watcher activates a plugin whose socket just appeared or came back)
    /// and activates a plugin whose socket or spec file is there, so only a plugin that is missing, gone or broken
    /// refuses the operation. A missing socket or spec file fails that lookup at once; one that is there but does not
    /// answer gets the plugin client's connect retries first, as every other operation's lookup does (spec/store.md,
    /// "Restore at start-up").
    /// </summary>
    private async Task ThrowIfWaitingAsync(Network network, string what, CancellationToken cancellationToken)
    {
        if (GetAvailability(network).IsReady)
        {
            return;
        }

        if (_drivers.FindNetworkDriver(network.Driver) is not { IsBuiltIn: true })
        {
            await ResolveAgainAsync(network.Driver, isNetworkDriver: true).ConfigureAwait(false);
        }

        if (network.IPv4Pools.Count + network.IPv6Pools.Count > 0 && _drivers.FindIpamDriver(network.IpamDriver) is not { IsBuiltIn: true })
        {
            await ResolveAgainAsync(network.IpamDriver, isNetworkDriver: false).ConfigureAwait(false);
        }

        var availability = GetAvailability(network);
        if (!availability.IsReady)
        {
            throw new CnmException(Protocol.ErrorCategory.Unavailable,
                $"cannot {what}: network {network.Name} is {availability.Message}; nothing was changed")
            {
                Plugin = availability.WaitingFor[0],
            };
        }

        async Task ResolveAgainAsync(string name, bool isNetworkDriver)
        {
            try
            {
                await (isNetworkDriver
                    ? _drivers.ResolveNetworkDriverAgainAsync(name, cancellationToken)
                    : _drivers.ResolveIpamDriverAgainAsync(name, cancellationToken)).ConfigureAwait(false);
            }
            catch (CnmException)
            {
                // the availability below says why, in the words of the waiting network
            }
        }
    }
}
