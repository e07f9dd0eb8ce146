using System.Net;
using Cnm.Core.Drivers;
using Cnm.Core.Errors;
using Cnm.Core.Model;
using Cnm.Core.Persistence;
using Cnm.Core.Store;
using Cnm.Protocol;

namespace Cnm.Core.Control;

public sealed partial class Controller : IAsyncDisposable
{
    private readonly SortedDictionary<long, PendingCall> _pending = [];
    private readonly SemaphoreSlim _pendingWake = new(0);
    private readonly SemaphoreSlim _deliveryGate = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private Task? _pendingLoop;
    private long _lastSequence;

    /// <summary>What a driver call came to.</summary>
    private enum CallOutcome
    {
        /// <summary>The driver did it.</summary>
        Done,
        /// <summary>The driver answered with an error; sending it again would not change that.</summary>
        Refused,
        /// <summary>The driver could not be reached (not registered, gone, timed out): try again later.</summary>
        Unreachable,
    }

    /// <summary>Driver calls owed to drivers that could not be reached, oldest first.</summary>
    public IReadOnlyList<string> PendingCalls
    {
        get
        {
            lock (_gate)
            {
                return [.. _pending.Values.Select(c => c.Describe())];
            }
        }
    }

    /// <summary>Stops delivering pending calls. The store is the caller's to close afterwards.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        Task? loop;
        lock (_gate)
        {
            loop = _pendingLoop;
        }

        if (loop is not null)
        {
            await loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private long NextPendingSequence()
    {
        lock (_gate)
        {
            return _lastSequence = Math.Max(_lastSequence + 1, _time.GetUtcNow().UtcTicks);
        }
    }

    /// <summary>Keeps committed pending calls in memory and makes sure something delivers them.</summary>
    private void AddPending(IEnumerable<PendingCall> calls)
    {
        lock (_gate)
        {
            foreach (var call in calls)
            {
                _pending[call.Sequence] = call;
                _lastSequence = Math.Max(_lastSequence, call.Sequence);
                Log.CallPending(_logger, call.Describe(), call.Reason ?? "");
            }

            if (_pending.Count == 0 || _pendingLoop is not null || _stopping.IsCancellationRequested)
            {
                return;
            }

            _pendingLoop = Task.Run(PendingLoopAsync);
        }
    }

    /// <summary>A driver was registered (a plugin was activated): deliver what it is owed, and replay networks to it if configured.</summary>
    private void OnDriverRegistered(string name, bool networkDriver)
    {
        lock (_gate)
        {
            if (_pending.Values.Any(c => c.Driver == name) && _pendingWake.CurrentCount == 0)
            {
                _pendingWake.Release();
            }
        }

        if (networkDriver && _replayCreateNetwork.Contains(name) && !_stopping.IsCancellationRequested)
        {
            _ = Task.Run(() => ReplayNetworksAsync(name));
        }
    }

    private async Task PendingLoopAsync()
    {
        var delay = TimeSpan.FromSeconds(1);
        while (!_stopping.IsCancellationRequested)
        {
            int left;
            try
            {
                left = await DeliverPendingAsync(null, _stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            lock (_gate)
            {
                if (left == 0 && _pending.Count == 0)
                {
                    _pendingLoop = null;
                    return;
                }
            }

            try
            {
                var woken = await _pendingWake.WaitAsync(delay, _stopping.Token).ConfigureAwait(false);
                delay = woken ? TimeSpan.FromSeconds(1) : TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _pendingRetryLimit.Ticks));
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Delivers the pending calls that <paramref name="filter"/> selects, oldest first. Calls to a driver that
    /// cannot be reached stay, and so do the later calls to that driver, which keeps each driver's order.
    /// Returns how many calls are left.
    /// </summary>
    private async Task<int> DeliverPendingAsync(Func<PendingCall, bool>? filter, CancellationToken cancellationToken)
    {
        await _deliveryGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            List<PendingCall> calls;
            lock (_gate)
            {
                calls = [.. _pending.Values.Where(c => filter is null || filter(c))];
            }

            var blocked = new HashSet<string>(StringComparer.Ordinal);
            foreach (var call in calls)
            {
                if (blocked.Contains(call.Driver))
                {
                    continue;
                }

                var (outcome, error) = await RunCallAsync(call, cancellationToken, pending: true).ConfigureAwait(false);
                if (outcome == CallOutcome.Unreachable)
                {
                    blocked.Add(call.Driver);
                    continue;
                }

                if (outcome == CallOutcome.Refused)
                {
                    Log.PendingRefused(_logger, call.Describe(), error?.Message ?? "");
                }
                else
                {
                    Log.PendingDelivered(_logger, call.Describe());
                }

                try
                {
                    await _store.CommitAsync(new StoreTransaction().Delete(StateKeys.PendingCall(call.Sequence)), CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    // Kept in memory and in the store: delivered again later, which every pending call tolerates.
                    Log.StoreFailed(_logger, $"remove delivered pending call {call.Describe()}", ex);
                    break;
                }

                lock (_gate)
                {
                    _pending.Remove(call.Sequence);
                }
            }

            lock (_gate)
            {
                return _pending.Count;
            }
        }
        finally
        {
            _deliveryGate.Release();
        }
    }

    /// <summary>
    /// Before new work on a network or endpoint reaches its driver, the calls still owed for it go first, so
    /// that a driver never sees, say, a late Leave after a new Join. Best effort: what cannot be delivered stays.
    /// </summary>
    private async Task FlushPendingForAsync(string networkId, string? endpointId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_pending.Count == 0 || !_pending.Values.Any(Matches))
            {
                return;
            }
        }

        await DeliverPendingAsync(Matches, cancellationToken).ConfigureAwait(false);

        bool Matches(PendingCall c) => endpointId is null ? c.NetworkId == networkId : c.EndpointId == endpointId;
    }

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

    /// <summary>Sends CreateNetwork again for every ready network of the driver (<see cref="ControllerOptions.ReplayCreateNetwork"/>).</summary>
    private async Task ReplayNetworksAsync(string driverName)
    {
        List<Network> networks;
        lock (_gate)
        {
            networks = [.. _networks.Values.Where(n => n.Driver == driverName && n.State == ObjectState.Ready)];
        }

        foreach (var network in networks)
        {
            await BestEffortAsync($"replay CreateNetwork of network {network.Name} to driver {driverName}", async () =>
            {
                var driver = await _drivers.GetNetworkDriverAsync(driverName, _stopping.Token).ConfigureAwait(false);
                var request = new CreateNetworkRequest(network.Id, GenericOptions.ForNetwork(network.Options),
                    [.. network.IPv4Pools.Select(p => ToIpamData(network, p))], [.. network.IPv6Pools.Select(p => ToIpamData(network, p))]);
                await driver.Driver.CreateNetworkAsync(request, _stopping.Token).ConfigureAwait(false);
                Log.NetworkReplayed(_logger, network.Id, network.Name, driverName);
            }).ConfigureAwait(false);
        }
    }
}
