using Cnm.Core.Errors;
using Cnm.Core.Persistence;
using Cnm.Core.Store;

namespace Cnm.Core.Control;

internal sealed partial class OperationJournal
{
    /// <summary>
    /// Runs a delete (docs/decisions.md, "network delete order"): intent, the driver's delete, the tracked IPAM releases
    /// (before the commit: the intent lists them, so a crash in between repeats them at start-up), then the commit
    /// that removes the record and the intent and keeps the calls that could not be delivered as pending calls,
    /// then the untracked releases (the default IPAM, whose allocations the records hold: they are released once the
    /// record is gone). A driver refusal fails a normal delete and changes nothing; a forced delete goes on.
    /// </summary>
    public async Task RunDeleteAsync(DeletePlan d)
    {
        var call = d.DeleteCall;
        var objectId = call.EndpointId ?? call.NetworkId!;
        // Whether a driver keeps what this delete does beyond the process: the drivers decide it, not whether the intent
        // was written, which a store that dies with the process never is (ControllerOptions.StoreOutlivesProcess).
        var driversKeepState = !IsBuiltInNetworkDriver(call.Driver) || d.TracksIpam;
        var intent = NewIntent(d.Operation, objectId, d.What, durable: driversKeepState);
        intent.AddCall(call);
        if (d.TracksIpam)
        {
            foreach (var release in d.Releases)
            {
                intent.AddCall(release);
            }
        }

        try
        {
            await WriteIntentAsync(intent, $"{d.What} was not deleted").ConfigureAwait(false);
        }
        catch
        {
            d.Subject.KeepReady();
            throw;
        }

        await StepAsync(d.Operation, "intent").ConfigureAwait(false);

        // From here on the delete finishes even if the caller gives up: its intent is stored, and a half-made
        // delete would leave the object neither here nor gone.
        var none = CancellationToken.None;
        await pending.FlushForAsync(call.NetworkId!, call.EndpointId, none, retryUnreachable: false).ConfigureAwait(false);
        var undelivered = new List<PendingCall>();
        var (outcome, error) = await pending.SendAsync(call, none).ConfigureAwait(false);
        if (outcome != CallOutcome.Done)
        {
            if (!d.Force)
            {
                await DropIntentAsync(intent).ConfigureAwait(false);
                d.Subject.KeepReady();
                throw DriverCalls.Error(error!, $"{d.What}: driver {call.Driver} failed to delete it");
            }

            LogForced(d.Operation, objectId, error!.Message);
            if (outcome == CallOutcome.Unreachable)
            {
                undelivered.Add(call with { Reason = $"forced delete of {d.What} while driver {call.Driver} could not be reached" });
            }
        }

        await StepAsync(d.Operation, call.Method).ConfigureAwait(false);
        if (d.TracksIpam)
        {
            undelivered.AddRange(await RunReleasesAsync(d.Releases, d.Operation, d.What).ConfigureAwait(false));
        }

        var numbered = new List<PendingCall>();
        var transaction = PutPending(EndIntent(new StoreTransaction().Delete(d.RecordKey), intent), undelivered, numbered);
        try
        {
            await CommitAsync($"{d.What} was deleted by driver {call.Driver} but is kept; delete it again (forced if the driver no longer knows it)",
                transaction).ConfigureAwait(false);
        }
        catch (CnmException) when (!driversKeepState)
        {
            // Built-in drivers and untracked releases only: the addresses are still held and the store still has the
            // object, so keep it, as the store does. Tracked releases are made already, so such an object is never kept:
            // it would hold addresses its IPAM gives to the next endpoint.
            d.Subject.KeepReady();
            throw;
        }
        catch (CnmException ex)
        {
            // The drivers have done their part and the intent is stored (unless the store dies with the process): memory
            // follows the drivers, and start-up finishes the delete in the store.
            await ReleaseUntrackedAsync().ConfigureAwait(false);
            d.Subject.Forget();
            throw StoreFailedAfterDrivers($"{d.What} was deleted", ex, intent);
        }

        pending.Add(numbered);
        await StepAsync(d.Operation, "commit").ConfigureAwait(false);
        await ReleaseUntrackedAsync().ConfigureAwait(false);
        d.Subject.Forget();

        // The driver has deleted the object: from here on nothing may stop the local delete.
        async Task ReleaseUntrackedAsync()
        {
            if (!d.TracksIpam)
            {
                await RunReleasesAsync(d.Releases, null, d.What).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Makes IPAM releases one by one, to the end; returns those whose IPAM could not be reached. Refusals are logged.
    /// The test hook sees each one when <paramref name="op"/> is given (tracked releases, made before the commit).
    /// </summary>
    public async Task<List<PendingCall>> RunReleasesAsync(IEnumerable<PendingCall> releases, string? op, string owner)
    {
        var undelivered = new List<PendingCall>();
        foreach (var release in releases)
        {
            var (outcome, error) = await pending.SendAsync(release, CancellationToken.None).ConfigureAwait(false);
            if (outcome == CallOutcome.Unreachable)
            {
                undelivered.Add(release with { Reason = $"delete of {owner} while IPAM {release.Driver} could not be reached" });
            }
            else if (outcome == CallOutcome.Refused)
            {
                ControlLog.CleanupFailed(logger, $"{release.Describe()} for {owner}", error!);
            }

            if (op is not null)
            {
                await StepAsync(op, release.Method).ConfigureAwait(false);
            }
        }

        return undelivered;
    }

    private void LogForced(string operation, string objectId, string reason)
    {
        if (operation == IntentOperations.NetworkDelete)
        {
            ControlLog.ForcedNetworkDelete(logger, objectId, reason);
        }
        else
        {
            ControlLog.ForcedEndpointDelete(logger, objectId, reason);
        }
    }
}
