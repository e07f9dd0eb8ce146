namespace Cnm.Store.Sqlite;

/// <summary>The outcome of <see cref="SqliteKeyValueStore.IntegrityCheckAsync"/>.</summary>
/// <param name="Path">The state file checked.</param>
/// <param name="Revision">The store revision.</param>
/// <param name="KeyCount">How many keys the store holds.</param>
/// <param name="Problems">What is wrong, one line each; empty when the store is healthy.</param>
public sealed record StoreIntegrityReport(string Path, long Revision, long KeyCount, IReadOnlyList<string> Problems)
{
    /// <summary>True when no problem was found.</summary>
    public bool IsHealthy => Problems.Count == 0;
}
