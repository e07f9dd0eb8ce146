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
    private readonly SemaphoreSlim _pendingWake = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _deliveries = [];
    private OwedCalls _owed = null!; // set by the constructor (it needs the options' clock and cap)
    private Task? _pendingLoop;

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
    public IReadOnlyList<string> PendingCalls => _owed.Describe();

    /// <summary>Driver calls owed to drivers that could not be reached, oldest first, with their attempts and next attempt.</summary>
    public IReadOnlyList<OwedCall> OwedCalls => _owed.Snapshot();

    /// <summary>Stops delivering pending calls. The store is the caller's to close afterwards.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        Task[] running;
        lock (_gate)
        {
            running = [.. _deliveries, .. _pendingLoop is { } loop ? [loop] : Array.Empty<Task>()];
        }

        foreach (var task in running)
        {
            await task.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private long NextPendingSequence() => _owed.NextSequence();

    /// <summary>
    /// Keeps committed pending calls in memory and makes sure something delivers them. A call a request just sent
    /// counts one attempt; one queued behind others without being sent, or found at start-up, none.
    /// </summary>
    private void AddPending(IEnumerable<PendingCall> calls)
    {
        foreach (var call in calls)
        {
            var attempts = _owed.TakeSent(call) ? 1 : 0;
            _owed.Add(call, attempts);
            Log.CallPending(_logger, call.Method, call.Driver, attempts, call.Describe(), call.Reason ?? "");
        }

        lock (_gate)
        {
            if (_owed.Count == 0 || _pendingLoop is not null || _stopping.IsCancellationRequested)
            {
                return;
            }

            _pendingLoop = Task.Run(PendingLoopAsync);
        }
    }

    /// <summary>A driver was registered (a plugin was activated): deliver what it is owed at once, and replay networks to it if configured.</summary>
    private void OnDriverRegistered(string name, bool networkDriver)
    {
        if (_owed.Registered(name))
        {
            WakePending();
        }

        if (networkDriver && _replayCreateNetwork.Contains(name) && !_stopping.IsCancellationRequested)
        {
            _ = Task.Run(() => ReplayNetworksAsync(name));
        }
    }

    private void WakePending()
    {
        lock (_gate)
        {
            if (_pendingWake.CurrentCount == 0)
            {
                _pendingWake.Release();
            }
        }
    }

    /// <summary>
    /// Starts one delivery per driver whose calls are due, each on its own (a driver that hangs holds up only its own
    /// calls), then sleeps until the next is due or a driver is registered again.
    /// </summary>
    private async Task PendingLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            foreach (var driver in _owed.TakeDue())
            {
                var delivery = Task.Run(() => DeliverDueAsync(driver));
                lock (_gate)
                {
                    _deliveries.Add(delivery);
                }
            }

            TimeSpan? wait;
            lock (_gate)
            {
                _deliveries.RemoveAll(t => t.IsCompleted);
                wait = _owed.UntilNext(out var idle);
                if (idle)
                {
                    _pendingLoop = null;
                    return;
                }
            }

            try
            {
                await _pendingWake.WaitAsync(wait ?? _pendingRetryLimit, _stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task DeliverDueAsync(string driver)
    {
        try
        {
            await DeliverToAsync(driver, null, wait: true, _stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
        finally
        {
            _owed.DeliveryEnded(driver);
            WakePending();
        }
    }

    /// <summary>
    /// Delivers the calls owed to <paramref name="driver"/> that <paramref name="filter"/> selects, oldest first, under
    /// that driver's gate. The first that cannot reach the driver stops it, so the later ones wait and each driver's
    /// order holds. Without <paramref name="wait"/>, a delivery already running for the driver is not waited for.
    /// </summary>
    private async Task DeliverToAsync(string driver, Func<PendingCall, bool>? filter, bool wait, CancellationToken cancellationToken)
    {
        var gate = _owed.Gate(driver);
        if (wait)
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        else if (!gate.Wait(0, CancellationToken.None))
        {
            return;
        }

        try
        {
            foreach (var call in _owed.For(driver, filter))
            {
                var attempts = _owed.Attempt(call.Sequence);
                var (outcome, error) = await RunCallAsync(call, cancellationToken, pending: true).ConfigureAwait(false);
                if (outcome == CallOutcome.Unreachable)
                {
                    var next = _owed.Failed(driver, error);
                    Log.PendingRetry(_logger, call.Method, call.Driver, attempts, next.TotalSeconds, error?.Message ?? "");
                    Log.PendingRetryDetail(_logger, call.Describe(), error);
                    return;
                }

                if (outcome == CallOutcome.Refused)
                {
                    Log.PendingRefused(_logger, call.Method, call.Driver, attempts, call.Describe(), error?.Message ?? "");
                }
                else
                {
                    Log.PendingDelivered(_logger, call.Method, call.Driver, attempts, call.Describe());
                }

                _owed.Reached(driver);
                try
                {
                    await _store.CommitAsync(new StoreTransaction().Delete(StateKeys.PendingCall(call.Sequence)), CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    // Kept in memory and in the store: delivered again later, which every pending call tolerates.
                    Log.StoreFailed(_logger, $"remove delivered pending call {call.Describe()}", ex);
                    return;
                }

                _owed.Remove(call.Sequence);
            }
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Before new work on a network or endpoint reaches its driver, the calls still owed for it go first, so
    /// that a driver never sees, say, a late Leave after a new Join. Best effort: what cannot be delivered stays.
    /// Without <paramref name="retryUnreachable"/> (deletes and releases, whose calls can wait in the queue), a driver
    /// known to be unreachable is not tried again inside the request, nor is a delivery already running waited for.
    /// </summary>
    private async Task FlushPendingForAsync(string networkId, string? endpointId, CancellationToken cancellationToken,
        bool retryUnreachable = true)
    {
        if (_owed.Count == 0)
        {
            return;
        }

        foreach (var driver in _owed.DriversOf(Matches))
        {
            if (retryUnreachable || !_owed.KnownUnreachable(driver))
            {
                await DeliverToAsync(driver, Matches, wait: retryUnreachable, cancellationToken).ConfigureAwait(false);
            }
        }

        bool Matches(PendingCall c) => endpointId is null ? c.NetworkId == networkId : c.EndpointId == endpointId;
    }

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
                var request = new CreateNetworkArgs(network.Id, GenericOptions.ForNetwork(network.Options),
                    [.. network.IPv4Pools.Select(p => ToIpamData(network, p))], [.. network.IPv6Pools.Select(p => ToIpamData(network, p))]);
                await driver.Driver.CreateNetworkAsync(request, _stopping.Token).ConfigureAwait(false);
                Log.NetworkReplayed(_logger, network.Id, network.Name, driverName);
            }).ConfigureAwait(false);
        }
    }
}
