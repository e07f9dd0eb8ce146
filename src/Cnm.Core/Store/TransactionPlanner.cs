using Cnm.Core.Errors;

namespace Cnm.Core.Store;

/// <summary>
/// Turns a transaction and the current entries of its keys into the changes to apply, so that every
/// store checks conditions and counts revisions and versions the same way.
/// </summary>
/// <remarks>Part of the store kit, with <see cref="WatchHub"/>: public for the stores outside Cnm.Core.</remarks>
public static class TransactionPlanner
{
    /// <summary>
    /// Checks the comparisons and returns the changes at <paramref name="newRevision"/> (none: nothing
    /// to write). With <paramref name="deleteMustExist"/>, deleting a missing key is a NotFound error.
    /// </summary>
    public static List<WatchEvent> Plan(StoreTransaction transaction, Func<string, KeyValueEntry?> lookup, long newRevision, bool deleteMustExist)
    {
        foreach (var compare in transaction.Compares)
        {
            compare.Condition.Check(compare.Key, lookup(compare.Key));
        }

        var changes = new List<WatchEvent>(transaction.Operations.Count);
        foreach (var operation in transaction.Operations)
        {
            var current = lookup(operation.Key);
            if (operation.IsDelete)
            {
                if (current is null)
                {
                    if (deleteMustExist)
                    {
                        throw CnmException.NotFound($"store key \"{operation.Key}\" does not exist");
                    }

                    continue;
                }

                changes.Add(new WatchEvent(WatchEventType.Delete, new KeyValueEntry(operation.Key, ReadOnlyMemory<byte>.Empty, 0, newRevision, 0)));
            }
            else
            {
                var entry = new KeyValueEntry(
                    operation.Key,
                    operation.Value,
                    current?.CreateRevision ?? newRevision,
                    newRevision,
                    (current?.Version ?? 0) + 1);
                changes.Add(new WatchEvent(WatchEventType.Put, entry));
            }
        }

        return changes;
    }

    /// <summary>A one-operation transaction for AtomicPut/AtomicDelete.</summary>
    public static StoreTransaction OneOperation(string key, ReadOnlyMemory<byte> value, StoreCondition condition, bool isDelete)
    {
        var transaction = new StoreTransaction();
        if (condition.Kind != StoreConditionKind.Any)
        {
            transaction.If(key, condition);
        }

        return isDelete ? transaction.Delete(key) : transaction.Put(key, value);
    }
}
