using Cnm.Core.Errors;
using Cnm.Core.Persistence;
using Cnm.Core.Store;
using Cnm.Protocol;
using Microsoft.Extensions.Logging;

namespace Cnm.Core.Control;

/// <summary>
/// The durable side of every operation (spec/store.md, "Intents and pending calls"): intents written before a driver
/// call whose undo they name, the one commit that ends a successful operation, the record writes, the undo calls owed
/// when an operation fails or a call timed out, and the delete-plan runner. Calls owed to drivers go to
/// <see cref="PendingCalls"/> once committed. The test hook (<see cref="ControllerOptions.AfterStep"/>) runs after each step.
/// </summary>
internal sealed partial class OperationJournal(IKeyValueStore store, PendingCalls pending, DriverRegistry drivers, TimeProvider time,
    Func<string, Task>? afterStep, ILogger logger, bool storeOutlivesProcess = true)
{
    /// <summary>
    /// A new intent, written when <paramref name="durable"/> (a driver keeps state outside this process) and the store
    /// outlives the process (<see cref="ControllerOptions.StoreOutlivesProcess"/>): otherwise no start after a crash reads it.
    /// </summary>
    public Intent NewIntent(string operation, string objectId, string name, bool durable) =>
        new(operation, objectId, name, durable && storeOutlivesProcess, time.GetUtcNow());

    /// <summary>True when the named network driver is built in: its state dies with the process.</summary>
    public bool IsBuiltInNetworkDriver(string name) => drivers.FindNetworkDriver(name) is { IsBuiltIn: true };

    /// <summary>
    /// True when releases to the named IPAM must be recorded: a plugin, or a built-in IPAM that keeps its
    /// state across restarts. The default IPAM is re-seeded from the records, so what a crash cut short
    /// is free again by itself.
    /// </summary>
    public bool TracksIpam(string? name) =>
        name is not null && drivers.FindIpamDriver(name) is not { IsBuiltIn: true, Capabilities.RequiresRequestReplay: true };

    /// <summary>
    /// Commits the one store transaction of a successful operation. A failure is logged and raised as an
    /// Unavailable error whose message starts with <paramref name="what"/>; the caller then undoes the
    /// operation (or keeps the object as the store still has it), so memory and store never disagree.
    /// The caller's token is not passed: once the drivers have done their part, a cancelled request
    /// should not turn into an undo for the sake of a commit that takes milliseconds.
    /// </summary>
    public async Task CommitAsync(string what, StoreTransaction transaction)
    {
        try
        {
            await store.CommitAsync(transaction, CancellationToken.None).ConfigureAwait(false);
        }
        catch (CnmException ex) when (ex.Category == ErrorCategory.Conflict && ex is not StoreConflictException)
        {
            // A refusal of the store's own (a cluster store that has the network's name already): the caller undoes the operation.
            throw new CnmException(ErrorCategory.Conflict, $"{what}: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            ControlLog.StoreFailed(logger, what, ex);
            throw CnmException.Unavailable($"{what}: the state store could not record it ({ex.Message})");
        }
    }

    /// <summary>Writes (or rewrites, with the allocation just made) the intent before the next driver call.</summary>
    public async Task WriteIntentAsync(Intent intent, string what)
    {
        if (!intent.Durable)
        {
            return;
        }

        // An intent only has to survive a crash of cnmd; the commit that ends the operation makes it durable too.
        await CommitAsync(what, new StoreTransaction().Put(intent.Key, intent.Serialize()).WithoutSync()).ConfigureAwait(false);
        intent.Written = true;
    }

    /// <summary>
    /// Writes the intent of a create or join before a driver call whose undo it names, unless an allocation has
    /// written it already (test step <c>intent</c>). Not before the IPAM calls: the undo of a pool or address is
    /// known only from the answer, so the intent is written right after it instead, which saves a commit.
    /// </summary>
    public async Task EnsureIntentAsync(Intent intent, string what)
    {
        if (intent.Durable && !intent.Written)
        {
            await WriteIntentAsync(intent, what).ConfigureAwait(false);
            await StepAsync(intent.Operation, "intent").ConfigureAwait(false);
        }
    }

    /// <summary>Commits <paramref name="transaction"/> with the intent's removal: the operation succeeded.</summary>
    public async Task CommitEndAsync(string what, StoreTransaction transaction, Intent intent)
    {
        await CommitAsync(what, EndIntent(transaction, intent)).ConfigureAwait(false);
        intent.Written = false;
    }

    /// <summary>Adds the intent's removal to the transaction that ends the operation.</summary>
    public static StoreTransaction EndIntent(StoreTransaction transaction, Intent intent) =>
        intent.Written ? transaction.Delete(intent.Key) : transaction;

    /// <summary>Adds the intent to a transaction when it is durable (the leaves, whose intent goes with their first commit).</summary>
    public static StoreTransaction PutIntentIfDurable(StoreTransaction transaction, Intent intent)
    {
        if (intent.Durable)
        {
            transaction.Put(intent.Key, intent.Serialize());
            intent.Written = true;
        }

        return transaction;
    }

    /// <summary>
    /// Removes the intent of an operation that failed and was undone, and stores the undo calls of calls that timed out
    /// as pending. If the store cannot, the intent stays and start-up undoes the operation again: every call it names is
    /// safe to repeat.
    /// </summary>
    public async Task DropIntentAsync(Intent intent)
    {
        if (!intent.Written && intent.OwedOnFailure.Count == 0)
        {
            return;
        }

        var owed = new List<PendingCall>();
        var transaction = PutPending(EndIntent(new StoreTransaction(), intent), intent.OwedOnFailure, owed);
        try
        {
            await store.CommitAsync(transaction, CancellationToken.None).ConfigureAwait(false);
            intent.Written = false;
            pending.Add(owed);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            ControlLog.StoreFailed(logger, $"remove intent {intent.Key} of a failed {intent.Operation}; start-up will undo it again", ex);
        }
    }

    /// <summary>
    /// Runs the driver call of a create, join or allocation whose undo is <paramref name="undo"/>, naming a failure as
    /// <see cref="DriverCalls.RunAsync{T}"/> does. A call that timed out may still be carried out by the driver, so its
    /// undo is owed to the driver (a pending call) once the operation has failed.
    /// </summary>
    public async Task<T> CallAsync<T>(string what, Func<Task<T>> call, Intent? intent, PendingCall? undo)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (CnmException ex) when (ex.Category == ErrorCategory.Timeout && intent is not null && undo is not null)
        {
            OweAfterTimeout(intent, undo, ex);
            throw DriverCalls.Error(ex, what);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw DriverCalls.Error(ex, what);
        }
    }

    public Task<bool> CallAsync(string what, Func<Task> call, Intent? intent, PendingCall? undo) =>
        CallAsync(what, async () =>
        {
            await call().ConfigureAwait(false);
            return true;
        }, intent, undo);

    /// <summary>A call timed out: its undo is owed once the operation has failed, after a moment (the driver did not answer).</summary>
    public void OweAfterTimeout(Intent intent, PendingCall undo, CnmException timeout)
    {
        intent.OweOnFailure(undo with { Reason = $"undo of a {TimedOutMethod(undo)} that timed out: the driver may still have done it" });
        pending.TimedOut(undo.Driver, timeout);
    }

    private static string TimedOutMethod(PendingCall undo) => undo.Method switch
    {
        PendingMethods.DeleteNetwork => "CreateNetwork",
        PendingMethods.DeleteEndpoint => "CreateEndpoint",
        PendingMethods.Leave => "Join",
        PendingMethods.ReleasePool => "RequestPool",
        _ => "RequestAddress",
    };

    /// <summary>The test hook after each step of an operation (<see cref="ControllerOptions.AfterStep"/>).</summary>
    public Task StepAsync(string operation, string step) => afterStep is null ? Task.CompletedTask : afterStep($"{operation}:{step}");

    /// <summary>
    /// The error of an operation the drivers finished but the store could not record. With its intent stored, start-up
    /// finishes it; without one (the store dies with the process, <see cref="ControllerOptions.StoreOutlivesProcess"/>)
    /// there is no next start to do so, and the stale record goes with the process.
    /// </summary>
    public static CnmException StoreFailedAfterDrivers(string what, Exception ex, Intent intent) =>
        CnmException.Unavailable($"{what}, but the state store could not record it ({ex.Message}); " + (intent.Written
            ? "the store keeps its intent record, and cnmd finishes it at the next start"
            : "cnmd no longer lists it, and the store's stale record goes when cnmd stops (the store is in memory)"));
}
