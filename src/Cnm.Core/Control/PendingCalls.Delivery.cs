using Cnm.Core.Persistence;
using Cnm.Core.Store;

namespace Cnm.Core.Control;

internal sealed partial class PendingCalls
{
    /// <summary>
    /// Before new work on a network or endpoint reaches its driver, the calls still owed for it go first, so
    /// that a driver never sees, say, a late Leave after a new Join. Best effort: what cannot be delivered stays.
    /// Without <paramref name="retryUnreachable"/> (deletes and releases, whose calls can wait in the queue), a driver
    /// known to be unreachable is not tried again inside the request, nor is a delivery already running waited for.
    /// </summary>
    public async Task FlushForAsync(string networkId, string? endpointId, CancellationToken cancellationToken, bool retryUnreachable = true)
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

    /// <summary>
    /// Starts one delivery per driver whose calls are due, each on its own, then sleeps until the next is due or a
    /// driver is registered again.
    /// </summary>
    private async Task LoopAsync()
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
                    _loop = null;
                    return;
                }
            }

            try
            {
                await _wake.WaitAsync(wait ?? _cap, _stopping.Token).ConfigureAwait(false);
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
            Wake();
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
                if (!await DeliverOneAsync(driver, call, cancellationToken).ConfigureAwait(false))
                {
                    return;
                }
            }
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Delivers one owed call (or drops it when no longer wanted); false when the driver's delivery must stop here.</summary>
    private async Task<bool> DeliverOneAsync(string driver, PendingCall call, CancellationToken cancellationToken)
    {
        var attempts = _owed.Attempt(call.Sequence);
        if (!_isWanted(call))
        {
            ControlLog.PendingStale(_logger, call.Describe());
        }
        else
        {
            var (outcome, error) = await _sender.SendAsync(call, cancellationToken).ConfigureAwait(false);
            if (outcome == CallOutcome.Unreachable)
            {
                var next = _owed.Failed(driver, error);
                ControlLog.PendingRetry(_logger, call.Method, call.Driver, attempts, next.TotalSeconds, error?.Message ?? "");
                ControlLog.PendingRetryDetail(_logger, call.Describe(), error);
                return false;
            }

            if (outcome == CallOutcome.Refused)
            {
                ControlLog.PendingRefused(_logger, call.Method, call.Driver, attempts, call.Describe(), error?.Message ?? "");
            }
            else
            {
                ControlLog.PendingDelivered(_logger, call.Method, call.Driver, attempts, call.Describe());
            }

            _owed.Reached(driver);
        }

        try
        {
            await _store.CommitAsync(new StoreTransaction().Delete(StateKeys.PendingCall(call.Sequence)), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Kept in memory and in the store: delivered again later, which every pending call tolerates.
            ControlLog.StoreFailed(_logger, $"remove delivered pending call {call.Describe()}", ex);
            return false;
        }

        _owed.Remove(call.Sequence);
        return true;
    }
}
