using Cnm.Core.Errors;
using Cnm.Core.Model;

namespace Cnm.Core.Control;

public sealed partial class Controller
{
    /// <summary>
    /// Connects a sandbox to a network, as Docker's <c>network connect</c> does: an endpoint named after the sandbox is
    /// created and joined (spec/controller.md, "Connect and disconnect"). Its CreateEndpoint carries the sandbox's port
    /// lists, empty when it has none, as dockerd sends them. A failed join deletes the endpoint again (forced, so a
    /// driver that cannot be reached gets its DeleteEndpoint as a pending call); if even that fails, the endpoint is
    /// kept, a Warning names it, and the join's error is what the caller gets.
    /// </summary>
    public async Task<Endpoint> ConnectAsync(string network, string sandboxIdOrName, EndpointCreateOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var sandbox = GetSandbox(sandboxIdOrName);
        var owner = GetNetwork(network);
        ThrowIfWaiting(owner, "connect to it");
        var endpoint = await CreateEndpointAsync(owner.Id, options with
        {
            ExposedPorts = options.ExposedPorts ?? sandbox.Options.ExposedPorts ?? [],
            PortBindings = options.PortBindings ?? sandbox.Options.PortBindings ?? [],
        }, cancellationToken).ConfigureAwait(false);
        try
        {
            return await JoinAsync(endpoint.Id, sandbox.Id, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception joinError) when (joinError is not OutOfMemoryException)
        {
            try
            {
                await DeleteEndpointAsync(endpoint.Id, force: true, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                ControlLog.ConnectUndoFailed(_logger, endpoint.Name, endpoint.Id, owner.Name, ex);
            }

            throw;
        }
    }

    /// <summary>
    /// Disconnects a sandbox from a network, as Docker's <c>network disconnect</c> does: the joined endpoint leaves and is
    /// deleted. Driver errors of the leave and the delete are logged and a driver that cannot be reached gets its calls as
    /// pending calls, as the reference only logs them: the disconnect never stops half way. On a network waiting for its
    /// plugin it fails at once and changes nothing. Forced, it deletes the network's endpoint named
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

        Endpoint? endpoint;
        lock (_gate)
        {
            endpoint = _endpoints.Values.FirstOrDefault(e => e.NetworkId == owner.Id && sandbox is not null && e.SandboxId == sandbox.Id);
            if (endpoint is null && force)
            {
                endpoint = _endpoints.Values.FirstOrDefault(e => e.NetworkId == owner.Id && (e.Name == container || e.Name == sandbox?.Name));
            }
        }

        if (endpoint is null)
        {
            throw CnmException.NotFound($"container {container} is not connected to network {owner.Name}");
        }

        if (!force)
        {
            ThrowIfWaiting(owner, $"disconnect container {container}");
        }

        await DeleteEndpointAsync(endpoint.Id, force: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Refuses an operation on a network that is waiting for its plugin, before it changes anything.</summary>
    private void ThrowIfWaiting(Network network, string what)
    {
        var availability = GetAvailability(network);
        if (!availability.IsReady)
        {
            throw new CnmException(Protocol.ErrorCategory.Unavailable,
                $"cannot {what}: network {network.Name} is {availability.Message}; nothing was changed");
        }
    }
}
