namespace Cnm.Core.Store;

/// <summary>
/// Leases on a store that has them (etcd; spec/cluster-membership.md, "Leases"): a key written with a lease is
/// deleted by the store itself when the lease is revoked or expires because nobody kept it alive.
/// </summary>
public interface ILeaseStore
{
    /// <summary>Grants a lease of <paramref name="ttl"/> (whole seconds, at least 1) and returns its id.</summary>
    Task<long> GrantLeaseAsync(TimeSpan ttl, CancellationToken cancellationToken);

    /// <summary>
    /// Renews the lease once. Returns false when the lease no longer exists (it expired or was revoked):
    /// every key written with it is gone then.
    /// </summary>
    Task<bool> KeepLeaseAliveAsync(long leaseId, CancellationToken cancellationToken);

    /// <summary>
    /// Writes <paramref name="value"/> under <paramref name="key"/>, bound to <paramref name="leaseId"/>, if
    /// <paramref name="condition"/> holds; returns the new store revision. A lease that no longer exists is a
    /// NotFound error.
    /// </summary>
    Task<long> PutWithLeaseAsync(string key, ReadOnlyMemory<byte> value, long leaseId, StoreCondition condition, CancellationToken cancellationToken);

    /// <summary>Revokes the lease: its keys are deleted at once. A lease that is already gone is not an error.</summary>
    Task RevokeLeaseAsync(long leaseId, CancellationToken cancellationToken);
}
