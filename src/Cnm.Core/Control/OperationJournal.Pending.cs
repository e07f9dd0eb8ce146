using Cnm.Core.Model;
using Cnm.Core.Persistence;
using Cnm.Core.Store;

namespace Cnm.Core.Control;

internal sealed partial class OperationJournal
{
    /// <summary>Adds pending-call records, numbered, for calls that could not be delivered; <paramref name="numbered"/> gets them.</summary>
    public StoreTransaction PutPending(StoreTransaction transaction, IEnumerable<PendingCall> calls, List<PendingCall> numbered)
    {
        foreach (var call in calls)
        {
            var withSequence = call with { Sequence = pending.NextSequence() };
            numbered.Add(withSequence);
            transaction.Put(StateKeys.PendingCall(withSequence.Sequence), StateMapping.Serialize(withSequence));
        }

        return transaction;
    }

    /// <summary>Hands calls that are in the store now to the delivery.</summary>
    public void Owe(IEnumerable<PendingCall> committed) => pending.Add(committed);

    /// <summary>
    /// Removes the intents of finished leaves and stores the calls that could not be delivered as pending. If the
    /// store cannot, the intents stay and start-up makes their calls again; nothing is lost.
    /// </summary>
    public async Task EndLeaveIntentsAsync(IReadOnlyList<Intent> intents, List<PendingCall> undelivered)
    {
        if (!intents.Any(i => i.Written) && undelivered.Count == 0)
        {
            return;
        }

        var numbered = new List<PendingCall>();
        var transaction = PutPending(new StoreTransaction(), undelivered, numbered);
        foreach (var intent in intents)
        {
            EndIntent(transaction, intent);
        }

        try
        {
            await store.CommitAsync(transaction, CancellationToken.None).ConfigureAwait(false);
            pending.Add(numbered);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            ControlLog.StoreFailed(logger, "end a leave: its intent record stays, and start-up makes its driver calls again", ex);
        }
    }

    public static StoreTransaction PutNetwork(Network network) =>
        new StoreTransaction().Put(StateKeys.Network(network.Id), StateMapping.Serialize(network));

    public static StoreTransaction PutEndpoint(Endpoint endpoint) =>
        new StoreTransaction().Put(StateKeys.Endpoint(endpoint.Id), StateMapping.Serialize(endpoint));

    public static StoreTransaction PutSandbox(Sandbox sandbox) =>
        new StoreTransaction().Put(StateKeys.Sandbox(sandbox.Id), StateMapping.Serialize(sandbox));

    public static StoreTransaction PutJoin(Endpoint endpoint, Sandbox sandbox) =>
        PutEndpoint(endpoint).Put(StateKeys.Sandbox(sandbox.Id), StateMapping.Serialize(sandbox));
}
