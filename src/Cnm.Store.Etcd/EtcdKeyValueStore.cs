using System.Diagnostics;
using System.Text;
using Cnm.Core.Errors;
using Cnm.Core.Store;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace Cnm.Store.Etcd;

/// <summary>
/// The <see cref="IKeyValueStore"/> on an etcd v3 cluster (spec/store.md, "etcd"): every operation is
/// one etcd request (a Range, a Txn or a Watch), so revisions, compare-and-set, transactions and
/// watches are etcd's own, shared by every process that uses the same cluster and prefix.
/// </summary>
public sealed partial class EtcdKeyValueStore : IKeyValueStore
{
    private readonly GrpcChannel _channel;
    private readonly KV.KVClient _kv;
    private readonly Watch.WatchClient _watch;
    private readonly Lease.LeaseClient _lease;
    private readonly EtcdStoreOptions _options;
    private readonly EtcdEndpoints _endpoints;
    private readonly byte[] _dataPrefix;
    private readonly CancellationTokenSource _closed = new();
    private readonly Lock _gate = new();
    private readonly HashSet<EtcdWatch> _watches = [];
    private bool _disposed;

    private EtcdKeyValueStore(EtcdStoreOptions options, EtcdEndpoints endpoints)
    {
        _options = options;
        _endpoints = endpoints;
        _channel = EtcdChannel.Create(endpoints, options);
        _kv = new KV.KVClient(_channel);
        _watch = new Watch.WatchClient(_channel);
        _lease = new Lease.LeaseClient(_channel);
        _dataPrefix = Encoding.UTF8.GetBytes(options.Prefix + "kv/");
        _writerId = Guid.NewGuid().ToString("N");
    }

    /// <summary>The store as messages name it: the endpoints and the prefix, e.g. <c>etcd://h1:2379,h2:2379 (prefix /cnm/)</c>.</summary>
    public string Name => $"{_endpoints} (prefix {_options.Prefix})";

    /// <summary>Watches currently registered (for tests of watch clean-up).</summary>
    public int ActiveWatchCount
    {
        get
        {
            lock (_gate)
            {
                return _watches.Count;
            }
        }
    }

    internal EtcdStoreOptions Options => _options;

    internal Watch.WatchClient WatchClient => _watch;

    internal KV.KVClient KvClient => _kv;

    internal CancellationToken Closed => _closed.Token;

    /// <summary>
    /// Validates <paramref name="options"/>, connects, and checks that etcd answers (within the retry
    /// budget). An unreachable cluster is an Unavailable error that names the endpoints.
    /// </summary>
    public static async Task<EtcdKeyValueStore> ConnectAsync(EtcdStoreOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var store = new EtcdKeyValueStore(options, EtcdEndpoints.Parse(options.Endpoints));
        try
        {
            await store.ListAsync("", countOnly: true, cancellationToken).ConfigureAwait(false);
            return store;
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    public async Task<KeyValueEntry?> GetAsync(string key, CancellationToken cancellationToken)
    {
        StoreKeys.Validate(key);
        var response = await RetryAsync(
            $"read key \"{key}\"",
            call => _kv.RangeAsync(new RangeRequest { Key = DataKey(key) }, call).ResponseAsync,
            cancellationToken).ConfigureAwait(false);
        return response.Kvs.Count == 0 ? null : ToEntry(response.Kvs[0]);
    }

    /// <inheritdoc />
    public Task<KeyValueList> ListAsync(string prefix, CancellationToken cancellationToken) =>
        ListAsync(prefix, countOnly: false, cancellationToken);

    /// <inheritdoc />
    public Task<long> AtomicPutAsync(string key, ReadOnlyMemory<byte> value, StoreCondition condition, CancellationToken cancellationToken)
    {
        var transaction = new StoreTransaction();
        if (condition.Kind != StoreConditionKind.Any)
        {
            transaction.If(key, condition);
        }

        return WriteAsync(transaction.Put(key, value), deleteKey: null, cancellationToken);
    }

    /// <inheritdoc />
    public Task<long> AtomicDeleteAsync(string key, StoreCondition condition, CancellationToken cancellationToken)
    {
        StoreKeys.Validate(key);
        var transaction = new StoreTransaction();
        if (condition.Kind != StoreConditionKind.Any)
        {
            transaction.If(key, condition);
        }

        return WriteAsync(transaction.Delete(key), deleteKey: key, cancellationToken);
    }

    /// <inheritdoc />
    public Task<long> CommitAsync(StoreTransaction transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        return WriteAsync(transaction, deleteKey: null, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>
    /// The watch is created on etcd before this method returns, so it blocks for one round trip
    /// (and fails here, as Unavailable, when etcd cannot be reached within the retry budget).
    /// </remarks>
    public IAsyncEnumerable<WatchEvent> WatchAsync(string prefix, long afterRevision, CancellationToken cancellationToken)
    {
        StoreKeys.ValidatePrefix(prefix);
        ArgumentOutOfRangeException.ThrowIfNegative(afterRevision);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var watch = new EtcdWatch(this, prefix, DataKey(prefix), RangeEnd(DataKey(prefix)), afterRevision);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _watches.Add(watch);
        }

        try
        {
            // The contract registers the watch before returning; etcd needs a round trip for that.
            watch.StartAsync(cancellationToken).GetAwaiter().GetResult();
        }
        catch
        {
            Forget(watch);
            throw;
        }

        return watch.ReadAsync(cancellationToken);
    }

    /// <summary>Compacts etcd's history up to <paramref name="revision"/> (for tests of lost watches).</summary>
    internal async Task CompactAsync(long revision) =>
        await _kv.CompactAsync(new CompactionRequest { Revision = revision, Physical = true }, CallOptionsFor(CancellationToken.None)).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        List<EtcdWatch> watches;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            watches = [.. _watches];
        }

        foreach (var watch in watches)
        {
            watch.Fail(new StoreWatchLostException($"watch on \"{watch.Prefix}\" ended: the store was closed"));
        }

        await _closed.CancelAsync().ConfigureAwait(false);
        await RevokeMarkerLeasesAsync().ConfigureAwait(false);
        _channel.Dispose();
        _closed.Dispose();
        _leaseGate.Dispose();
    }

    internal void Forget(EtcdWatch watch)
    {
        lock (_gate)
        {
            _watches.Remove(watch);
        }
    }

    internal KeyValueEntry ToEntry(Mvccpb.KeyValue kv) =>
        new(StoreKey(kv.Key), kv.Value.ToByteArray(), kv.CreateRevision, kv.ModRevision, kv.Version);

    internal string StoreKey(ByteString key) => Encoding.UTF8.GetString(key.Span[_dataPrefix.Length..]);

    internal CallOptions CallOptionsFor(CancellationToken cancellationToken) =>
        new(deadline: DateTime.UtcNow + _options.RequestTimeout, cancellationToken: cancellationToken);

    internal async Task<T> RetryAsync<T>(string what, Func<CallOptions, Task<T>> call, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var started = Stopwatch.GetTimestamp();
        var delay = _options.RetryDelay;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                return await call(CallOptionsFor(cancellationToken)).ConfigureAwait(false);
            }
            catch (RpcException e) when (EtcdErrors.IsTransient(e) && !cancellationToken.IsCancellationRequested
                && Stopwatch.GetElapsedTime(started) + delay < BudgetFor(e))
            {
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                delay = NextDelay(delay);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancellationToken);
            }
            catch (RpcException e)
            {
                throw EtcdErrors.Map(Name, what, e, outcomeUnknown: false);
            }
        }
    }

    /// <summary>
    /// The retry budget for this failure: short when the one member could not be reached at all. With several members
    /// a refused connection may be one member down while the others serve, so failing over gets the whole budget.
    /// </summary>
    internal TimeSpan BudgetFor(RpcException error) =>
        EtcdErrors.IsUnreachable(error) && _endpoints.Members.Count == 1
            ? TimeSpan.FromTicks(Math.Min(_options.UnreachableBudget.Ticks, _options.RetryBudget.Ticks))
            : _options.RetryBudget;

    internal static TimeSpan NextDelay(TimeSpan delay) => TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.TicksPerSecond));

    internal ByteString DataKey(string key)
    {
        var bytes = new byte[_dataPrefix.Length + Encoding.UTF8.GetByteCount(key)];
        _dataPrefix.CopyTo(bytes, 0);
        Encoding.UTF8.GetBytes(key, bytes.AsSpan(_dataPrefix.Length));
        return UnsafeByteOperations.UnsafeWrap(bytes);
    }

    // The first key after every key that starts with the prefix: etcd's range end for a prefix.
    internal static ByteString RangeEnd(ByteString prefix)
    {
        var end = prefix.ToByteArray();
        for (var i = end.Length - 1; i >= 0; i--)
        {
            if (end[i] < 0xFF)
            {
                end[i]++;
                return ByteString.CopyFrom(end, 0, i + 1);
            }
        }

        return ByteString.CopyFrom(0);
    }

    private async Task<KeyValueList> ListAsync(string prefix, bool countOnly, CancellationToken cancellationToken)
    {
        StoreKeys.ValidatePrefix(prefix);
        var key = DataKey(prefix);
        var response = await RetryAsync(
            prefix.Length == 0 ? "list keys" : $"list keys under \"{prefix}\"",
            call => _kv.RangeAsync(new RangeRequest { Key = key, RangeEnd = RangeEnd(key), CountOnly = countOnly }, call).ResponseAsync,
            cancellationToken).ConfigureAwait(false);
        return new KeyValueList(response.Kvs.Select(ToEntry).ToList(), response.Header.Revision);
    }
}
