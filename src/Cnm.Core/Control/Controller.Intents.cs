using Cnm.Core.Errors;
using Cnm.Protocol;
using Cnm.Core.Persistence;
using Cnm.Core.Store;

namespace Cnm.Core.Control;

public sealed partial class Controller
{
    /// <summary>
    /// An operation's intent record while it runs (spec/store.md, "Intents and pending calls"). It is
    /// durable only when a driver keeps state outside this process: a plugin, or an IPAM that is not
    /// rebuilt from the records at start-up. Built-in drivers and the default IPAM lose what a crash cut
    /// short together with the process, so their operations write no intent.
    /// </summary>
    private sealed class Intent(string operation, string objectId, string name, bool durable, DateTimeOffset created)
    {
        private readonly List<PendingCall> _calls = [];
        private readonly List<PendingCall> _releases = [];
        private readonly List<PendingCall> _owedOnFailure = [];

        public string Operation { get; } = operation;

        public bool Durable { get; } = durable;

        /// <summary>True once the intent is in the store.</summary>
        public bool Written { get; set; }

        public string Key { get; } = StateKeys.Intent(objectId);

        /// <summary>The driver calls first, then the IPAM releases, newest allocation first.</summary>
        public IReadOnlyList<PendingCall> Calls => [.. _calls, .. _releases];

        /// <summary>Undo calls of driver calls that timed out: owed to their drivers if the operation fails.</summary>
        public IReadOnlyList<PendingCall> OwedOnFailure => [.. _owedOnFailure];

        public void AddCall(PendingCall call) => _calls.Add(call);

        public void OweOnFailure(PendingCall call) => _owedOnFailure.Add(call);

        /// <summary>An IPAM release that undoes the allocation just made; undone before the older ones.</summary>
        public void AddRelease(PendingCall call) => _releases.Insert(0, call);

        public byte[] Serialize() => StateMapping.Serialize(new StoredIntent
        {
            Operation = Operation,
            ObjectId = Key[StateKeys.Intents.Length..],
            Name = name,
            Calls = [.. Calls],
            Created = created,
        });
    }

    private Intent NewIntent(string operation, string objectId, string name, bool durable) =>
        new(operation, objectId, name, durable, _time.GetUtcNow());

    /// <summary>True when the named network driver is built in: its state dies with the process.</summary>
    private bool IsBuiltInNetworkDriver(string name) => _drivers.FindNetworkDriver(name) is { IsBuiltIn: true };

    /// <summary>
    /// True when releases to the named IPAM must be recorded: a plugin, or a built-in IPAM that keeps its
    /// state across restarts. The default IPAM is re-seeded from the records, so what a crash cut short
    /// is free again by itself.
    /// </summary>
    private bool TracksIpam(string? name) =>
        name is not null && _drivers.FindIpamDriver(name) is not { IsBuiltIn: true, Capabilities.RequiresRequestReplay: true };

    /// <summary>Writes (or rewrites, with the allocation just made) the intent before the next driver call.</summary>
    private async Task WriteIntentAsync(Intent intent, string what)
    {
        if (!intent.Durable)
        {
            return;
        }

        await CommitAsync(what, new StoreTransaction().Put(intent.Key, intent.Serialize())).ConfigureAwait(false);
        intent.Written = true;
    }

    /// <summary>
    /// Writes the intent of a create or join before a driver call whose undo it names, unless an allocation has
    /// written it already (test step <c>intent</c>). Not before the IPAM calls: the undo of a pool or address is
    /// known only from the answer, so the intent is written right after it instead, which saves a commit.
    /// </summary>
    private async Task EnsureIntentAsync(Intent intent, string what)
    {
        if (intent.Durable && !intent.Written)
        {
            await WriteIntentAsync(intent, what).ConfigureAwait(false);
            await StepAsync(intent.Operation, "intent").ConfigureAwait(false);
        }
    }

    /// <summary>Adds the intent's removal to the transaction that ends the operation.</summary>
    private static StoreTransaction EndIntent(StoreTransaction transaction, Intent intent) =>
        intent.Written ? transaction.Delete(intent.Key) : transaction;

    /// <summary>
    /// Removes the intent of an operation that failed and was undone. If the store cannot, the intent stays
    /// and start-up undoes the operation again: every call it names is safe to repeat.
    /// </summary>
    private async Task DropIntentAsync(Intent intent)
    {
        if (!intent.Written && intent.OwedOnFailure.Count == 0)
        {
            return;
        }

        var owed = new List<PendingCall>();
        var transaction = PutPending(EndIntent(new StoreTransaction(), intent), intent.OwedOnFailure, owed);
        try
        {
            await _store.CommitAsync(transaction, CancellationToken.None).ConfigureAwait(false);
            intent.Written = false;
            AddPending(owed);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log.StoreFailed(_logger, $"remove intent {intent.Key} of a failed {intent.Operation}; start-up will undo it again", ex);
        }
    }

    /// <summary>
    /// Runs the driver call of a create, join or allocation whose undo is <paramref name="undo"/>, naming a failure as
    /// <see cref="DriverCallAsync(string, Func{Task})"/> does. A call that timed out may still be carried out by the driver,
    /// so its undo is owed to the driver (a pending call) once the operation has failed (issue 10, "a call that timed
    /// out is never undone").
    /// </summary>
    private async Task<T> DriverCallAsync<T>(string what, Func<Task<T>> call, Intent? intent, PendingCall? undo)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (CnmException ex) when (ex.Category == ErrorCategory.Timeout && intent is not null && undo is not null)
        {
            OweAfterTimeout(intent, undo, ex);
            throw DriverError(ex, what);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw DriverError(ex, what);
        }
    }

    private Task<bool> DriverCallAsync(string what, Func<Task> call, Intent? intent, PendingCall? undo) =>
        DriverCallAsync(what, async () =>
        {
            await call().ConfigureAwait(false);
            return true;
        }, intent, undo);

    /// <summary>A call timed out: its undo is owed once the operation has failed, after a moment (the driver did not answer).</summary>
    private void OweAfterTimeout(Intent intent, PendingCall undo, CnmException timeout)
    {
        intent.OweOnFailure(undo with { Reason = $"undo of a {TimedOutMethod(undo)} that timed out: the driver may still have done it" });
        _owed.Failed(undo.Driver, timeout);
    }

    private static string TimedOutMethod(PendingCall undo) => undo.Method switch
    {
        PendingMethods.DeleteNetwork => "CreateNetwork",
        PendingMethods.DeleteEndpoint => "CreateEndpoint",
        PendingMethods.Leave => "Join",
        PendingMethods.ReleasePool => "RequestPool",
        _ => "RequestAddress",
    };

    /// <summary>Adds pending-call records for calls that could not be delivered.</summary>
    private StoreTransaction PutPending(StoreTransaction transaction, IEnumerable<PendingCall> calls, List<PendingCall> numbered)
    {
        foreach (var call in calls)
        {
            var withSequence = call with { Sequence = NextPendingSequence() };
            numbered.Add(withSequence);
            transaction.Put(StateKeys.PendingCall(withSequence.Sequence), StateMapping.Serialize(withSequence));
        }

        return transaction;
    }

    /// <summary>The test hook after each step of an operation (<see cref="ControllerOptions.AfterStep"/>).</summary>
    private Task StepAsync(string operation, string step) => _afterStep is null ? Task.CompletedTask : _afterStep($"{operation}:{step}");

    private static CnmException StoreFailedAfterDrivers(string what, Exception ex) =>
        CnmException.Unavailable($"{what}, but the state store could not record it ({ex.Message}); the store keeps its intent record, and cnmd finishes it at the next start");
}
