using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Cnm.Core.Store;

/// <summary>
/// Serves watches for a store in this process: keeps the recent history for replay and hands every
/// committed change to the matching watchers without ever waiting for them (spec/store.md, "Watch").
/// The store calls <see cref="Publish"/> after each commit, in revision order.
/// </summary>
/// <remarks>
/// Part of the store kit: public so that every <see cref="IKeyValueStore"/> (the in-memory and SQLite stores, and a
/// second store such as etcd) serves watches the same way, without opening Cnm.Core's internals to it.
/// </remarks>
public sealed class WatchHub
{
    private readonly Lock _gate = new();
    private readonly KeyValueStoreOptions _options;
    private readonly Queue<WatchEvent> _history = new();
    private readonly List<Watcher> _watchers = [];
    private long _compactedRevision;
    private bool _closed;

    /// <summary>Creates a hub whose history starts after <paramref name="currentRevision"/>.</summary>
    public WatchHub(KeyValueStoreOptions options, long currentRevision)
    {
        _options = options;
        _compactedRevision = currentRevision;
    }

    /// <summary>Watches currently registered.</summary>
    public int ActiveWatchCount
    {
        get
        {
            lock (_gate)
            {
                return _watchers.Count;
            }
        }
    }

    /// <summary>Records committed changes and offers them to the watchers; never blocks.</summary>
    public void Publish(IReadOnlyList<WatchEvent> changes)
    {
        lock (_gate)
        {
            foreach (var change in changes)
            {
                _history.Enqueue(change);
                while (_history.Count > _options.HistoryLimit)
                {
                    _compactedRevision = Math.Max(_compactedRevision, _history.Dequeue().Revision);
                }
            }

            // Backwards, and removed by reference: an inline reader that ends inside Offer removes itself.
            for (var i = _watchers.Count - 1; i >= 0; i--)
            {
                var watcher = _watchers[i];
                if (!watcher.Offer(changes, _options.WatchBufferCapacity))
                {
                    _watchers.Remove(watcher);
                }
            }
        }
    }

    /// <summary>Registers a watch now and returns its events; fails at once if the revision is no longer kept.</summary>
    public IAsyncEnumerable<WatchEvent> Subscribe(string prefix, long afterRevision, CancellationToken cancellationToken) =>
        Subscribe(prefix, afterRevision, inline: false, cancellationToken);

    /// <summary>
    /// <see cref="Subscribe(string, long, CancellationToken)"/>; with <paramref name="inline"/> a waiting reader resumes
    /// on the thread that publishes, inside <see cref="Publish"/> (<see cref="IKeyValueStore.WatchInlineAsync(string, long, CancellationToken)"/>).
    /// </summary>
    public IAsyncEnumerable<WatchEvent> Subscribe(string prefix, long afterRevision, bool inline, CancellationToken cancellationToken) =>
        Subscribe([prefix], afterRevision, inline, cancellationToken);

    /// <summary>
    /// <see cref="Subscribe(string, long, bool, CancellationToken)"/> for the keys that start with any of
    /// <paramref name="prefixes"/>, in one watch: a change to another key is not offered to it at all
    /// (<see cref="IKeyValueStore.WatchInlineAsync(IReadOnlyList{string}, long, CancellationToken)"/>).
    /// </summary>
    public IAsyncEnumerable<WatchEvent> Subscribe(IReadOnlyList<string> prefixes, long afterRevision, bool inline, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prefixes);
        ArgumentOutOfRangeException.ThrowIfZero(prefixes.Count);
        foreach (var p in prefixes)
        {
            StoreKeys.ValidatePrefix(p);
        }

        string[] within = [.. prefixes];
        ArgumentOutOfRangeException.ThrowIfNegative(afterRevision);
        Watcher watcher;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            if (afterRevision < _compactedRevision)
            {
                throw new StoreWatchLostException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"cannot watch \"{string.Join(", ", within)}\" after revision {afterRevision}: changes up to revision {_compactedRevision} are no longer kept; list again and watch after the list's revision"));
            }

            var replay = _history.Where(e => e.Revision > afterRevision && StoreKeys.HasAnyPrefix(e.Key, within)).ToList();
            watcher = new Watcher(within, afterRevision, replay, inline);
            _watchers.Add(watcher);
        }

        return ReadAsync(watcher, cancellationToken);
    }

    /// <summary>Ends every watch with "store closed".</summary>
    public void Close()
    {
        lock (_gate)
        {
            _closed = true;
            foreach (var watcher in _watchers.ToArray()) // an inline reader ends (and removes itself) inside Fail
            {
                watcher.Fail(new StoreWatchLostException($"watch on \"{watcher.Prefix}\" ended: the store was closed"));
            }

            _watchers.Clear();
        }
    }

    private async IAsyncEnumerable<WatchEvent> ReadAsync(Watcher watcher, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        try
        {
            foreach (var change in watcher.Replay)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    yield break;
                }

                yield return change;
            }

            var reader = watcher.Channel.Reader;
            while (await WaitAsync(watcher, cancellationToken).ConfigureAwait(false))
            {
                while (reader.TryRead(out var change))
                {
                    yield return change;
                }
            }

            if (watcher.Failure is { } failure && !cancellationToken.IsCancellationRequested)
            {
                throw failure;
            }
        }
        finally
        {
            lock (_gate)
            {
                _watchers.Remove(watcher);
            }
        }
    }

    // Cancellation ends the watch normally; a failed watch rethrows its StoreWatchLostException.
    private static async ValueTask<bool> WaitAsync(Watcher watcher, CancellationToken cancellationToken)
    {
        try
        {
            return await watcher.Channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        catch (ChannelClosedException) when (watcher.Failure is not null)
        {
            return false;
        }
        catch (StoreWatchLostException) when (watcher.Failure is not null)
        {
            return false;
        }
    }

    /// <summary>The longest start that every one of <paramref name="prefixes"/> shares ("" when they share none).</summary>
    public static string CommonPrefix(IReadOnlyList<string> prefixes)
    {
        ArgumentNullException.ThrowIfNull(prefixes);
        ArgumentOutOfRangeException.ThrowIfZero(prefixes.Count);
        var common = prefixes[0].AsSpan();
        foreach (var p in prefixes)
        {
            common = common[..common.CommonPrefixLength(p)];
        }

        // Never half a surrogate pair: the prefixes may share only the first half of different characters.
        return (common.Length > 0 && char.IsHighSurrogate(common[^1]) ? common[..^1] : common).ToString();
    }

    /// <summary>The changes of <paramref name="watch"/> to keys that start with any of <paramref name="prefixes"/>.</summary>
    public static IAsyncEnumerable<WatchEvent> Within(IAsyncEnumerable<WatchEvent> watch, IReadOnlyList<string> prefixes,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(watch);
        ArgumentNullException.ThrowIfNull(prefixes);
        return FilterAsync(watch, [.. prefixes], cancellationToken);
    }

    private static async IAsyncEnumerable<WatchEvent> FilterAsync(IAsyncEnumerable<WatchEvent> watch, string[] within,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var change in watch.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (StoreKeys.HasAnyPrefix(change.Key, within))
            {
                yield return change;
            }
        }
    }

    private sealed class Watcher(string[] within, long afterRevision, List<WatchEvent> replay, bool inline)
    {
        /// <summary>The watched prefixes as the failure messages name them.</summary>
        public string Prefix => string.Join(", ", within);

        public List<WatchEvent> Replay { get; } = replay;

        // Unbounded with a count check in Offer: a bounded channel would make the writer wait or drop
        // events silently, and the single-reader variant cannot count. Inline: the waiting reader's continuation runs
        // in TryWrite, on the publishing thread, instead of as a thread-pool work item.
        public Channel<WatchEvent> Channel { get; } = System.Threading.Channels.Channel.CreateUnbounded<WatchEvent>(
            new UnboundedChannelOptions { AllowSynchronousContinuations = inline });

        // False when the watcher fell behind and was failed; the hub then drops it.
        public bool Offer(IReadOnlyList<WatchEvent> changes, int capacity)
        {
            foreach (var change in changes)
            {
                if (change.Revision <= afterRevision || !StoreKeys.HasAnyPrefix(change.Key, within))
                {
                    continue;
                }

                if (Channel.Reader.Count >= capacity)
                {
                    Fail(new StoreWatchLostException(string.Create(
                        CultureInfo.InvariantCulture,
                        $"watch on \"{Prefix}\" fell behind: {capacity} events were pending at revision {change.Revision}; list again and watch after the list's revision")));
                    return false;
                }

                Channel.Writer.TryWrite(change);
            }

            return true;
        }

        public StoreWatchLostException? Failure { get; private set; }

        public void Fail(StoreWatchLostException error)
        {
            Failure = error;
            Channel.Writer.TryComplete(error);
        }
    }
}
