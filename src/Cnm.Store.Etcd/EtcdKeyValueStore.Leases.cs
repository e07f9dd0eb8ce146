using Cnm.Core.Errors;
using Cnm.Core.Store;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;

namespace Cnm.Store.Etcd;

/// <summary>
/// Leases (spec/cluster-membership.md, "Leases"): etcd's own, granted, renewed and revoked with one request each
/// and retried through leader changes like every other request.
/// </summary>
public sealed partial class EtcdKeyValueStore : ILeaseStore
{
    /// <inheritdoc />
    public async Task<long> GrantLeaseAsync(TimeSpan ttl, CancellationToken cancellationToken)
    {
        var seconds = (long)Math.Ceiling(ttl.TotalSeconds);
        if (seconds < 1 || ttl > TimeSpan.FromDays(1))
        {
            throw CnmException.InvalidParameter($"lease TTL {ttl} is out of range: it must be at least 1 s and at most one day");
        }

        var granted = await RetryAsync(
            "grant a lease",
            call => _lease.LeaseGrantAsync(new LeaseGrantRequest { TTL = seconds }, call).ResponseAsync,
            cancellationToken).ConfigureAwait(false);
        return granted.ID;
    }

    /// <inheritdoc />
    public async Task<bool> KeepLeaseAliveAsync(long leaseId, CancellationToken cancellationToken)
    {
        var response = await RetryAsync(
            $"renew lease {leaseId:x}",
            async call =>
            {
                using var stream = _lease.LeaseKeepAlive(call);
                await stream.RequestStream.WriteAsync(new LeaseKeepAliveRequest { ID = leaseId }, call.CancellationToken).ConfigureAwait(false);
                await stream.RequestStream.CompleteAsync().ConfigureAwait(false);
                return await stream.ResponseStream.MoveNext(call.CancellationToken).ConfigureAwait(false)
                    ? stream.ResponseStream.Current
                    : throw new RpcException(new Status(StatusCode.Unavailable, "the keep-alive stream ended without an answer"));
            },
            cancellationToken).ConfigureAwait(false);

        // etcd answers a TTL of 0 (and no error) for a lease it does not know.
        return response.TTL > 0;
    }

    /// <inheritdoc />
    /// <remarks>
    /// One Txn. Sent again after a lost answer it cannot apply twice: its failure branch reads the key back, and a
    /// key that carries this lease and this value is this write's own (lease ids are never reused).
    /// </remarks>
    public async Task<long> PutWithLeaseAsync(string key, ReadOnlyMemory<byte> value, long leaseId, StoreCondition condition, CancellationToken cancellationToken)
    {
        StoreKeys.Validate(key);
        var dataKey = DataKey(key);
        var bytes = ByteString.CopyFrom(value.Span);
        var request = new TxnRequest();
        if (condition.Kind != StoreConditionKind.Any)
        {
            request.Compare.Add(ToCompare(key, condition));
        }

        request.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = dataKey, Value = bytes, Lease = leaseId } });
        request.Failure.Add(new RequestOp { RequestRange = new RangeRequest { Key = dataKey } });
        TxnResponse response;
        try
        {
            response = await RetryAsync(
                $"write key \"{key}\" with lease {leaseId:x}",
                call => _kv.TxnAsync(request, call).ResponseAsync,
                cancellationToken).ConfigureAwait(false);
        }
        catch (CnmException e) when (e.InnerException is RpcException rpc && EtcdErrors.IsLeaseNotFound(rpc))
        {
            throw CnmException.NotFound($"lease {leaseId:x} of store key \"{key}\" does not exist (it expired or was revoked)");
        }

        if (response.Succeeded)
        {
            return response.Header.Revision;
        }

        var current = response.Responses[0].ResponseRange.Kvs is [var kv, ..] ? kv : null;
        if (current is not null && current.Lease == leaseId && current.Value.Equals(bytes))
        {
            return current.ModRevision;
        }

        throw new StoreConflictException(key, condition.Describe(), current is null ? "key absent" : $"mod revision {current.ModRevision}, version {current.Version}");
    }

    /// <inheritdoc />
    public async Task RevokeLeaseAsync(long leaseId, CancellationToken cancellationToken)
    {
        try
        {
            await RetryAsync(
                $"revoke lease {leaseId:x}",
                call => _lease.LeaseRevokeAsync(new LeaseRevokeRequest { ID = leaseId }, call).ResponseAsync,
                cancellationToken).ConfigureAwait(false);
        }
        catch (CnmException e) when (e.InnerException is RpcException rpc && EtcdErrors.IsLeaseNotFound(rpc))
        {
            // Already gone: its keys are deleted either way.
        }
    }

    /// <summary>The lease a key is bound to, 0 for none or a missing key (for tests).</summary>
    internal async Task<long> LeaseOfAsync(string key, CancellationToken cancellationToken)
    {
        var response = await RetryAsync(
            $"read key \"{key}\"",
            call => _kv.RangeAsync(new RangeRequest { Key = DataKey(key) }, call).ResponseAsync,
            cancellationToken).ConfigureAwait(false);
        return response.Kvs is [var kv, ..] ? kv.Lease : 0;
    }
}
