using System.Net;
using Cnm.Core.Drivers;
using Cnm.Core.Errors;
using Cnm.Core.Model;
using Cnm.Core.Persistence;
using Cnm.Core.Store;
using Cnm.Protocol;

namespace Cnm.Core.Control;

public sealed partial class Controller
{
    /// <summary>
    /// Makes one driver call of an intent. A pending call that could now do harm is skipped as done: a release of an address
    /// or pool that an object holds again, a Leave or Revoke of an endpoint that is joined again, a Program
    /// for an endpoint that is no longer its sandbox's gateway.
    /// </summary>
    private async Task<(CallOutcome Outcome, Exception? Error)> RunCallAsync(PendingCall call, CancellationToken cancellationToken, bool pending = false)
    {
        if (pending && IsStale(call))
        {
            Log.PendingStale(_logger, call.Describe());
            return (CallOutcome.Done, null);
        }

        if (!pending && _owed.KnownUnreachable(call.Driver))
        {
            // The driver could not be reached a moment ago, or earlier calls still wait for it: this one goes behind
            // them instead of holding up the caller for another try.
            var last = _owed.LastError(call.Driver);
            var owed = _owed.CountFor(call.Driver);
            var why = $"not sent: driver {call.Driver} could not be reached a moment ago{(owed > 0 ? $" and is owed {owed} earlier call(s)" : "")}";
            return (CallOutcome.Unreachable, last is null ? CnmException.Unavailable(why) : new CnmException(last.Category, $"{last.Message} ({why})", last));
        }

        var outcome = await SendCallAsync(call, cancellationToken).ConfigureAwait(false);
        if (!pending)
        {
            if (outcome.Outcome == CallOutcome.Unreachable)
            {
                _owed.Failed(call.Driver, outcome.Error);
                _owed.NoteSent(call);
            }
            else
            {
                _owed.Reached(call.Driver);
            }
        }

        return outcome;
    }

    private async Task<(CallOutcome Outcome, Exception? Error)> SendCallAsync(PendingCall call, CancellationToken cancellationToken)
    {
        try
        {
            if (call.IsIpam)
            {
                var ipam = await _drivers.GetIpamDriverAsync(call.Driver, cancellationToken).ConfigureAwait(false);
                await (call.Method == PendingMethods.ReleasePool
                    ? ipam.Driver.ReleasePoolAsync(call.PoolId!, cancellationToken)
                    : ipam.Driver.ReleaseAddressAsync(call.PoolId!, IPAddress.Parse(call.Address!), cancellationToken)).ConfigureAwait(false);
                return (CallOutcome.Done, null);
            }

            var driver = (await _drivers.GetNetworkDriverAsync(call.Driver, cancellationToken).ConfigureAwait(false)).Driver;
            var (nid, eid) = (call.NetworkId!, call.EndpointId!);
            var external = driver as IExternalConnectivityDriver;
            await (call.Method switch
            {
                PendingMethods.DeleteNetwork => driver.DeleteNetworkAsync(nid, cancellationToken),
                PendingMethods.DeleteEndpoint => driver.DeleteEndpointAsync(nid, eid, cancellationToken),
                PendingMethods.Leave => driver.LeaveAsync(nid, eid, cancellationToken),
                PendingMethods.RevokeExternalConnectivity => external?.RevokeExternalConnectivityAsync(nid, eid, cancellationToken) ?? Task.CompletedTask,
                _ => external is not null && SandboxOptions(call.SandboxId) is { } options
                    ? external.ProgramExternalConnectivityAsync(nid, eid, options, cancellationToken)
                    : Task.CompletedTask,
            }).ConfigureAwait(false);
            return (CallOutcome.Done, null);
        }
        catch (CnmException ex) when (ex.Category is ErrorCategory.Unavailable or ErrorCategory.Timeout or ErrorCategory.NotFound
            && (ex.Category != ErrorCategory.NotFound || !IsRegistered(call)))
        {
            return (CallOutcome.Unreachable, ex);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            return (CallOutcome.Refused, ex);
        }
    }

    private bool IsRegistered(PendingCall call) =>
        call.IsIpam ? _drivers.FindIpamDriver(call.Driver) is not null : _drivers.FindNetworkDriver(call.Driver) is not null;

    private IReadOnlyDictionary<string, System.Text.Json.JsonElement>? SandboxOptions(string? sandboxId)
    {
        lock (_gate)
        {
            return sandboxId is not null && _sandboxes.TryGetValue(sandboxId, out var sandbox) ? GenericOptions.ForSandbox(sandbox.Options) : null;
        }
    }

    private bool IsStale(PendingCall call)
    {
        lock (_gate)
        {
            return call.Method switch
            {
                PendingMethods.ReleasePool => _networks.Values.Any(n => HoldsPool(n, call.PoolId!)),
                PendingMethods.ReleaseAddress => HoldsAddress(call.PoolId!, call.Address!),
                PendingMethods.Leave or PendingMethods.RevokeExternalConnectivity =>
                    _endpoints.TryGetValue(call.EndpointId!, out var e) && e.SandboxId is not null,
                PendingMethods.ProgramExternalConnectivity =>
                    call.SandboxId is null || !_sandboxes.TryGetValue(call.SandboxId, out var s) || s.GatewayEndpointId != call.EndpointId,
                _ => false,
            };
        }
    }

    private static bool HoldsPool(Network network, string poolId) =>
        network.IPv4Pools.Concat(network.IPv6Pools).Any(p => p.PoolId == poolId);

    /// <summary>True when a network (gateway, aux address) or an endpoint holds the address in the pool. Called under the lock.</summary>
    private bool HoldsAddress(string poolId, string address) =>
        _networks.Values.SelectMany(n => n.IPv4Pools.Concat(n.IPv6Pools)).Where(p => p.PoolId == poolId)
            .Any(p => p.Gateway?.Address.ToString() == address || p.AuxAddresses.Values.Any(a => a.ToString() == address))
        || _endpoints.Values.Any(e => (e.PoolId == poolId && e.Address?.Address.ToString() == address)
            || (e.PoolIdIPv6 == poolId && e.AddressIPv6?.Address.ToString() == address));
}
