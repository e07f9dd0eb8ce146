using Cnm.Core.Errors;

namespace Cnm.Core.Store;

/// <summary>
/// A small multi-key transaction: comparisons, then puts and deletes applied all together under one
/// revision, or not at all (etcd's Txn without an else branch). Intent records are written with it.
/// </summary>
public sealed class StoreTransaction
{
    private readonly List<StoreCompare> _compares = [];
    private readonly List<StoreOperation> _operations = [];
    private readonly HashSet<string> _written = new(StringComparer.Ordinal);

    /// <summary>The comparisons, checked in order; the first that fails is reported.</summary>
    public IReadOnlyList<StoreCompare> Compares => _compares;

    /// <summary>The writes, applied in order.</summary>
    public IReadOnlyList<StoreOperation> Operations => _operations;

    /// <summary>
    /// False when the commit need survive only a crash of the process, not a power loss (<see cref="WithoutSync"/>).
    /// </summary>
    public bool SyncOnCommit { get; private set; } = true;

    /// <summary>
    /// Lets a store acknowledge this commit before it is on stable storage: it must survive a kill of the process (the
    /// operating system has the write) and becomes durable with the next synced commit. For intents, which matter
    /// only to the process that wrote them (spec/store.md, "Durability"). A store that syncs every commit ignores it.
    /// </summary>
    public StoreTransaction WithoutSync()
    {
        SyncOnCommit = false;
        return this;
    }

    /// <summary>Adds a comparison that must hold for the transaction to apply.</summary>
    public StoreTransaction If(string key, StoreCondition condition)
    {
        StoreKeys.Validate(key);
        _compares.Add(new StoreCompare(key, condition));
        return this;
    }

    /// <summary>Adds a put. A key may be written only once per transaction.</summary>
    public StoreTransaction Put(string key, ReadOnlyMemory<byte> value)
    {
        AddWrite(key);
        _operations.Add(new StoreOperation(key, value.ToArray(), IsDelete: false));
        return this;
    }

    /// <summary>Adds a delete; a missing key is left as it is. A key may be written only once per transaction.</summary>
    public StoreTransaction Delete(string key)
    {
        AddWrite(key);
        _operations.Add(new StoreOperation(key, ReadOnlyMemory<byte>.Empty, IsDelete: true));
        return this;
    }

    private void AddWrite(string key)
    {
        StoreKeys.Validate(key);
        if (!_written.Add(key))
        {
            throw CnmException.InvalidParameter($"store transaction writes key \"{key}\" twice; a key may be written once per transaction");
        }
    }
}
