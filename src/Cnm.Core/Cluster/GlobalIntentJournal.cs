using System.Text;
using System.Text.Json;
using Cnm.Core.Errors;
using Cnm.Core.Store;

namespace Cnm.Core.Cluster;

/// <summary>
/// Global intents of one node (spec/cluster-membership.md, "Global intents"): an operation writes its intent before it
/// claims anything, every claim is written in one transaction with the intent that records it, and the operation
/// completes in one transaction that writes its owner key and deletes the intent. So at every instant each claim is
/// either recorded by an open intent or owned by a completed object; a sweep can settle an intent whose node died.
/// </summary>
public sealed class GlobalIntentJournal
{
    private readonly IKeyValueStore _store;

    /// <summary>The journal of <paramref name="nodeName"/> on <paramref name="store"/>.</summary>
    public GlobalIntentJournal(IKeyValueStore store, string nodeName)
    {
        ArgumentNullException.ThrowIfNull(store);
        ClusterKeys.ValidateNodeName(nodeName);
        _store = store;
        NodeName = nodeName;
    }

    /// <summary>The owning node.</summary>
    public string NodeName { get; }

    /// <summary>Writes a new intent for <paramref name="operation"/>, which completes by writing <paramref name="ownerKey"/>.</summary>
    public async Task<GlobalIntentHandle> BeginAsync(string operation, string ownerKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(operation);
        StoreKeys.Validate(ownerKey);
        var intent = new GlobalIntent(Guid.NewGuid().ToString("N"), NodeName, operation, ownerKey, []);
        var key = ClusterKeys.Intent(NodeName, intent.Id);
        var revision = await _store.AtomicPutAsync(key, Serialize(intent), StoreCondition.NotExists, cancellationToken).ConfigureAwait(false);
        return new GlobalIntentHandle(key, intent, revision);
    }

    /// <summary>
    /// Claims <paramref name="claimKey"/> (e.g. an address) for the intent, in one transaction with the intent's new
    /// claim list. A key already claimed is a <see cref="StoreConflictException"/> on that key (pick another); an intent
    /// a sweep has settled is a Conflict error naming it, and the operation must give up.
    /// </summary>
    public async Task ClaimAsync(GlobalIntentHandle handle, string claimKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handle);
        StoreKeys.Validate(claimKey);
        var next = handle.Intent with { Claims = [.. handle.Intent.Claims, claimKey] };
        var transaction = new StoreTransaction()
            .If(claimKey, StoreCondition.NotExists)
            .If(handle.Key, StoreCondition.ModRevisionIs(handle.Revision))
            .Put(claimKey, Encoding.UTF8.GetBytes(handle.Intent.Token))
            .Put(handle.Key, Serialize(next));
        var revision = await CommitOwnAsync(handle, transaction, cancellationToken).ConfigureAwait(false);
        handle.Advance(next, revision);
    }

    /// <summary>
    /// Adds to <paramref name="transaction"/> (which writes the owner key) the check that the intent is still open and
    /// its deletion, and commits it: the operation is complete and its claims belong to the owner.
    /// </summary>
    public async Task<long> CompleteAsync(GlobalIntentHandle handle, StoreTransaction transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handle);
        ArgumentNullException.ThrowIfNull(transaction);
        if (!transaction.Operations.Any(o => !o.IsDelete && o.Key == handle.Intent.Owner))
        {
            throw CnmException.InvalidParameter($"completing intent {handle.Intent.Id} must write its owner key \"{handle.Intent.Owner}\"");
        }

        transaction.If(handle.Key, StoreCondition.ModRevisionIs(handle.Revision)).Delete(handle.Key);
        return await CommitOwnAsync(handle, transaction, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Gives back every claim of the intent and deletes it, in one transaction (the operation failed and was undone).</summary>
    public async Task AbortAsync(GlobalIntentHandle handle, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handle);
        var transaction = new StoreTransaction().If(handle.Key, StoreCondition.ModRevisionIs(handle.Revision));
        foreach (var claim in handle.Intent.Claims)
        {
            transaction.Delete(claim);
        }

        await CommitOwnAsync(handle, transaction.Delete(handle.Key), cancellationToken).ConfigureAwait(false);
    }

    internal static byte[] Serialize(GlobalIntent intent) => JsonSerializer.SerializeToUtf8Bytes(intent, MembershipJsonContext.Default.GlobalIntent);

    private async Task<long> CommitOwnAsync(GlobalIntentHandle handle, StoreTransaction transaction, CancellationToken cancellationToken)
    {
        try
        {
            return await _store.CommitAsync(transaction, cancellationToken).ConfigureAwait(false);
        }
        catch (StoreConflictException e) when (e.Key == handle.Key)
        {
            throw CnmException.Conflict(
                $"global intent {handle.Intent.Id} ({handle.Intent.Operation}) of node {NodeName} was settled by a sweep (its lease had expired); the operation was undone and must be started again");
        }
    }
}
