namespace Cnm.Core.Store;

/// <summary>
/// A versioned key-value store with etcd's semantics (spec/store.md): one store-wide revision that
/// every write bumps by exactly one, per-key create/mod revisions and versions, compare-and-set,
/// small all-or-nothing transactions, and watches that can start from a past revision.
/// </summary>
/// <remarks>
/// Keys are non-empty strings without NUL, ordered by Unicode code point (the byte order of their
/// UTF-8 form, as in etcd and SQLite). Values are opaque bytes. Every failed comparison raises a
/// <see cref="StoreConflictException"/>; nothing is written then.
/// </remarks>
public interface IKeyValueStore : IAsyncDisposable
{
    /// <summary>The entry under <paramref name="key"/>, or null when there is none.</summary>
    Task<KeyValueEntry?> GetAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// Every entry whose key starts with <paramref name="prefix"/> (empty: all), ordered by key, with
    /// the store revision the list was read at. A watch started after that revision misses nothing.
    /// </summary>
    Task<KeyValueList> ListAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>
    /// Writes <paramref name="value"/> under <paramref name="key"/> if <paramref name="condition"/>
    /// holds, and returns the new store revision.
    /// </summary>
    Task<long> AtomicPutAsync(string key, ReadOnlyMemory<byte> value, StoreCondition condition, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes <paramref name="key"/> if <paramref name="condition"/> holds, and returns the new store
    /// revision. A missing key is a NotFound error.
    /// </summary>
    Task<long> AtomicDeleteAsync(string key, StoreCondition condition, CancellationToken cancellationToken);

    /// <summary>
    /// Checks every comparison of <paramref name="transaction"/> and, only if all hold, applies all its
    /// writes under one new revision, which it returns. Deleting a missing key inside a transaction
    /// writes nothing for that key. A transaction with no writes returns the current revision.
    /// </summary>
    Task<long> CommitAsync(StoreTransaction transaction, CancellationToken cancellationToken);

    /// <summary>
    /// Changes to keys starting with <paramref name="prefix"/> made after revision
    /// <paramref name="afterRevision"/>, in revision order, first the ones already made, then live.
    /// The watch is registered when this method returns. Cancelling the token ends the enumeration
    /// normally. A watcher that falls more than the buffer behind, or asks for a revision no longer
    /// kept, gets a <see cref="StoreWatchLostException"/> and must list again.
    /// </summary>
    IAsyncEnumerable<WatchEvent> WatchAsync(string prefix, long afterRevision, CancellationToken cancellationToken);

    /// <summary>
    /// <see cref="WatchAsync"/> for a reader whose work per change is short, never blocks and never calls the store:
    /// a store may then resume the waiting reader on the writer's thread, inside the commit, instead of queueing it to
    /// the thread pool (spec/store.md, "Watch"). A store without that path returns <see cref="WatchAsync"/>.
    /// </summary>
    IAsyncEnumerable<WatchEvent> WatchInlineAsync(string prefix, long afterRevision, CancellationToken cancellationToken) =>
        WatchAsync(prefix, afterRevision, cancellationToken);

    /// <summary>
    /// <see cref="WatchInlineAsync(string, long, CancellationToken)"/> for the keys that start with any of
    /// <paramref name="prefixes"/>: one watch, in revision order across them all. A store that serves it from its
    /// <see cref="WatchHub"/> never resumes the reader for a change to another key (the events feed skips the intent
    /// records every operation writes, which were most of its resumes). Others filter a watch of the prefixes' common start.
    /// </summary>
    IAsyncEnumerable<WatchEvent> WatchInlineAsync(IReadOnlyList<string> prefixes, long afterRevision, CancellationToken cancellationToken) =>
        WatchHub.Within(WatchInlineAsync(WatchHub.CommonPrefix(prefixes), afterRevision, cancellationToken), prefixes, cancellationToken);
}
