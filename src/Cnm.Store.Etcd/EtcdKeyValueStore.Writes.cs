using System.Diagnostics;
using System.Globalization;
using System.Text;
using Cnm.Core.Errors;
using Cnm.Core.Store;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;

namespace Cnm.Store.Etcd;

/// <summary>
/// Writes: one etcd Txn each, retried through leader changes and dead members without ever applying
/// twice (spec/store.md, "etcd: writes whose outcome is unknown").
/// </summary>
public sealed partial class EtcdKeyValueStore
{
    private readonly string _writerId;
    private readonly SemaphoreSlim _leaseGate = new(1, 1);
    private readonly List<long> _leases = [];
    private long _writeSequence;
    private (long Id, long GrantedAt)? _markerLease;

    /// <summary>
    /// Test hook: every write's first answer is thrown away as if the connection had dropped after
    /// etcd applied it, so the write goes the way of an unknown outcome.
    /// </summary>
    internal bool LoseFirstAnswerOfEveryWrite { get; set; }

    // A write that changes something carries a marker: a fresh key, created by the same Txn and only
    // if it does not exist yet. Sent again after a lost answer, the Txn cannot apply twice (the marker
    // exists then), and its failure branch reads the marker back: there, it was applied; absent, it was not.
    private async Task<long> WriteAsync(StoreTransaction transaction, string? deleteKey, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(_disposed, this);

        // Only a transaction of plain deletes goes without: sending it twice changes nothing more.
        var marker = deleteKey is not null || transaction.Compares.Count > 0 || transaction.Operations.Any(o => !o.IsDelete)
            ? MarkerKey(Interlocked.Increment(ref _writeSequence))
            : null;
        var compared = transaction.Compares.Select(c => c.Key).Append(deleteKey).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var what = Describe(transaction, deleteKey);

        // Once the commit has started it finishes: the caller's token only stops it before the first attempt.
        var started = Stopwatch.GetTimestamp();
        var delay = _options.RetryDelay;
        var outcomeUnknown = false;
        var loseAnswer = LoseFirstAnswerOfEveryWrite;
        while (true)
        {
            var lease = marker is null ? 0 : await MarkerLeaseAsync().ConfigureAwait(false);
            var request = BuildTxn(transaction, deleteKey, compared, marker, lease);
            try
            {
                var response = await _kv.TxnAsync(request, CallOptionsFor(CancellationToken.None)).ConfigureAwait(false);
                if (loseAnswer)
                {
                    (loseAnswer, outcomeUnknown) = (false, true);
                    continue;
                }

                return response.Succeeded
                    ? response.Header.Revision
                    : Resolve(transaction, deleteKey, compared, marker, response);
            }
            catch (RpcException e) when (EtcdErrors.IsLeaseNotFound(e) && Stopwatch.GetElapsedTime(started) < _options.RetryBudget)
            {
                // The marker's lease ran out (this process stalled for long): nothing was applied.
                _markerLease = null;
            }
            catch (RpcException e) when (EtcdErrors.IsTransient(e) && Stopwatch.GetElapsedTime(started) + delay < BudgetFor(e) && !_disposed)
            {
                outcomeUnknown |= marker is not null && !EtcdErrors.IsUnreachable(e);
                await Task.Delay(delay, CancellationToken.None).ConfigureAwait(false);
                delay = NextDelay(delay);
            }
            catch (RpcException e)
            {
                throw EtcdErrors.Map(Name, what, e, outcomeUnknown || (marker is not null && EtcdErrors.IsTransient(e) && !EtcdErrors.IsUnreachable(e)));
            }
        }
    }

    private TxnRequest BuildTxn(StoreTransaction transaction, string? deleteKey, List<string> compared, ByteString? marker, long lease)
    {
        var request = new TxnRequest();
        if (deleteKey is not null)
        {
            request.Compare.Add(ToCompare(deleteKey, StoreCondition.Exists));
        }

        foreach (var compare in transaction.Compares)
        {
            request.Compare.Add(ToCompare(compare.Key, compare.Condition));
        }

        foreach (var operation in transaction.Operations)
        {
            request.Success.Add(operation.IsDelete
                ? new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = DataKey(operation.Key) } }
                : new RequestOp { RequestPut = new PutRequest { Key = DataKey(operation.Key), Value = ByteString.CopyFrom(operation.Value.Span) } });
        }

        foreach (var key in compared)
        {
            request.Failure.Add(new RequestOp { RequestRange = new RangeRequest { Key = DataKey(key) } });
        }

        if (marker is not null)
        {
            request.Compare.Add(new Compare { Key = marker, Target = Compare.Types.CompareTarget.Create, Result = Compare.Types.CompareResult.Equal, CreateRevision = 0 });
            request.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = marker, Lease = lease } });
            request.Failure.Add(new RequestOp { RequestRange = new RangeRequest { Key = marker } });
        }

        return request;
    }

    // The Txn failed a comparison; its failure branch read every compared key and the marker at that revision.
    private long Resolve(StoreTransaction transaction, string? deleteKey, List<string> compared, ByteString? marker, TxnResponse response)
    {
        if (marker is not null && response.Responses[^1].ResponseRange.Kvs is [var written, ..])
        {
            return written.ModRevision;
        }

        var current = new Dictionary<string, KeyValueEntry?>(StringComparer.Ordinal);
        for (var i = 0; i < compared.Count; i++)
        {
            current[compared[i]] = response.Responses[i].ResponseRange.Kvs is [var kv, ..] ? ToEntry(kv) : null;
        }

        foreach (var compare in transaction.Compares)
        {
            var entry = current[compare.Key];
            if (!Holds(compare.Condition, entry))
            {
                throw new StoreConflictException(compare.Key, compare.Condition.Describe(), Actual(entry));
            }
        }

        if (deleteKey is not null && current[deleteKey] is null)
        {
            throw CnmException.NotFound($"store key \"{deleteKey}\" does not exist");
        }

        throw CnmException.Internal($"etcd store {Name} refused a transaction although every comparison held when it was read back");
    }

    private Compare ToCompare(string key, StoreCondition condition)
    {
        var compare = new Compare { Key = DataKey(key) };
        switch (condition.Kind)
        {
            case StoreConditionKind.NotExists:
                (compare.Target, compare.Result, compare.CreateRevision) = (Compare.Types.CompareTarget.Create, Compare.Types.CompareResult.Equal, 0);
                break;
            case StoreConditionKind.Exists:
                (compare.Target, compare.Result, compare.CreateRevision) = (Compare.Types.CompareTarget.Create, Compare.Types.CompareResult.Greater, 0);
                break;
            case StoreConditionKind.ModRevision:
                (compare.Target, compare.Result, compare.ModRevision) = (Compare.Types.CompareTarget.Mod, Compare.Types.CompareResult.Equal, condition.Value);
                break;
            case StoreConditionKind.Version:
                (compare.Target, compare.Result, compare.Version) = (Compare.Types.CompareTarget.Version, Compare.Types.CompareResult.Equal, condition.Value);
                break;
            default:
                // Any: a comparison that always holds (a key's version is never negative).
                (compare.Target, compare.Result, compare.Version) = (Compare.Types.CompareTarget.Version, Compare.Types.CompareResult.Greater, -1);
                break;
        }

        return compare;
    }

    private static bool Holds(StoreCondition condition, KeyValueEntry? entry) => condition.Kind switch
    {
        StoreConditionKind.NotExists => entry is null,
        StoreConditionKind.Exists => entry is not null,
        StoreConditionKind.ModRevision => entry?.ModRevision == condition.Value,
        StoreConditionKind.Version => entry?.Version == condition.Value,
        _ => true,
    };

    private static string Actual(KeyValueEntry? entry) =>
        entry is null ? "key absent" : string.Create(CultureInfo.InvariantCulture, $"mod revision {entry.ModRevision}, version {entry.Version}");

    private static string Describe(StoreTransaction transaction, string? deleteKey) =>
        deleteKey is not null ? $"delete key \"{deleteKey}\""
        : transaction.Operations is [var only] && transaction.Compares.Count <= 1 ? $"write key \"{only.Key}\""
        : string.Create(CultureInfo.InvariantCulture, $"commit a transaction of {transaction.Operations.Count} writes");

    private ByteString MarkerKey(long sequence) =>
        ByteString.CopyFromUtf8(string.Create(CultureInfo.InvariantCulture, $"{_options.Prefix}writes/{_writerId}/{sequence:x}"));

    // Markers live on a lease that is never kept alive: they vanish by themselves. A lease serves new
    // markers for half its TTL, so each marker outlives every retry of its write by a wide margin.
    private async Task<long> MarkerLeaseAsync()
    {
        var ttl = MarkerTtl;
        if (_markerLease is { } current && Stopwatch.GetElapsedTime(current.GrantedAt) < ttl / 2)
        {
            return current.Id;
        }

        await _leaseGate.WaitAsync(_closed.Token).ConfigureAwait(false);
        try
        {
            if (_markerLease is { } again && Stopwatch.GetElapsedTime(again.GrantedAt) < ttl / 2)
            {
                return again.Id;
            }

            var granted = await RetryAsync(
                "grant the lease of its write markers",
                call => _lease.LeaseGrantAsync(new LeaseGrantRequest { TTL = (long)ttl.TotalSeconds }, call).ResponseAsync,
                CancellationToken.None).ConfigureAwait(false);
            _markerLease = (granted.ID, Stopwatch.GetTimestamp());
            lock (_leases)
            {
                _leases.Add(granted.ID);
            }

            return granted.ID;
        }
        finally
        {
            _leaseGate.Release();
        }
    }

    private TimeSpan MarkerTtl =>
        TimeSpan.FromSeconds(Math.Max(60, Math.Ceiling((2 * (_options.RetryBudget + _options.RequestTimeout)).TotalSeconds) + 30));

    // On close the markers are no longer needed: every write of this store has an answer.
    private async Task RevokeMarkerLeasesAsync()
    {
        long[] leases;
        lock (_leases)
        {
            leases = [.. _leases];
        }

        foreach (var id in leases)
        {
            try
            {
                await _lease.LeaseRevokeAsync(new LeaseRevokeRequest { ID = id }, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(1))).ConfigureAwait(false);
            }
            catch (RpcException)
            {
                // It expires by itself.
            }
        }
    }
}
