namespace Cnm.Core.Store;

/// <summary>
/// The <see cref="IKeyValueStore"/> kept in memory: for tests, and for the daemon until it is given
/// a durable store. Every operation completes synchronously under one lock.
/// </summary>
public sealed class InMemoryKeyValueStore : IKeyValueStore
{
    private readonly Lock _gate = new();
    private readonly SortedDictionary<string, KeyValueEntry> _entries = new(StoreKeys.Comparer);
    private readonly WatchHub _hub;
    private long _revision;
    private bool _disposed;

    /// <summary>Creates an empty store at revision 0.</summary>
    public InMemoryKeyValueStore(KeyValueStoreOptions? options = null)
    {
        options ??= new KeyValueStoreOptions();
        options.Validate();
        _hub = new WatchHub(options, 0);
    }

    /// <summary>The current store revision.</summary>
    public long Revision
    {
        get
        {
            lock (_gate)
            {
                return _revision;
            }
        }
    }

    /// <summary>Watches currently registered (for tests of watch clean-up).</summary>
    public int ActiveWatchCount => _hub.ActiveWatchCount;

    /// <inheritdoc />
    public Task<KeyValueEntry?> GetAsync(string key, CancellationToken cancellationToken)
    {
        StoreKeys.Validate(key);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return Task.FromResult(_entries.GetValueOrDefault(key));
        }
    }

    /// <inheritdoc />
    public Task<KeyValueList> ListAsync(string prefix, CancellationToken cancellationToken)
    {
        StoreKeys.ValidatePrefix(prefix);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var entries = _entries.Values.Where(e => StoreKeys.HasPrefix(e.Key, prefix)).ToList();
            return Task.FromResult(new KeyValueList(entries, _revision));
        }
    }

    /// <inheritdoc />
    public Task<long> AtomicPutAsync(string key, ReadOnlyMemory<byte> value, StoreCondition condition, CancellationToken cancellationToken) =>
        ApplyAsync(TransactionPlanner.OneOperation(key, value, condition, isDelete: false), deleteMustExist: true, cancellationToken);

    /// <inheritdoc />
    public Task<long> AtomicDeleteAsync(string key, StoreCondition condition, CancellationToken cancellationToken) =>
        ApplyAsync(TransactionPlanner.OneOperation(key, default, condition, isDelete: true), deleteMustExist: true, cancellationToken);

    /// <inheritdoc />
    public Task<long> CommitAsync(StoreTransaction transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        return ApplyAsync(transaction, deleteMustExist: false, cancellationToken);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<WatchEvent> WatchAsync(string prefix, long afterRevision, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _hub.Subscribe(prefix, afterRevision, cancellationToken);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<WatchEvent> WatchInlineAsync(string prefix, long afterRevision, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _hub.Subscribe(prefix, afterRevision, inline: true, cancellationToken);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<WatchEvent> WatchInlineAsync(IReadOnlyList<string> prefixes, long afterRevision, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _hub.Subscribe(prefixes, afterRevision, inline: true, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            _disposed = true;
        }

        _hub.Close();
        return ValueTask.CompletedTask;
    }

    private Task<long> ApplyAsync(StoreTransaction transaction, bool deleteMustExist, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var changes = TransactionPlanner.Plan(transaction, _entries.GetValueOrDefault, _revision + 1, deleteMustExist);
            if (changes.Count == 0)
            {
                return Task.FromResult(_revision);
            }

            _revision++;
            foreach (var change in changes)
            {
                if (change.Type == WatchEventType.Delete)
                {
                    _entries.Remove(change.Key);
                }
                else
                {
                    _entries[change.Key] = change.Entry;
                }
            }

            // Published under the lock so that watchers see revisions in order.
            _hub.Publish(changes);
            return Task.FromResult(_revision);
        }
    }
}
