namespace Cnm.Core.Cluster;

/// <summary>One pool of the cluster's <c>GlobalDefault</c> address space, as stored in etcd (spec/cluster.md, "Key layout").</summary>
/// <param name="Id">The pool id, <c>GlobalDefault/{pool}</c> or <c>GlobalDefault/{pool}/{sub-pool}</c>.</param>
/// <param name="Pool">The master pool, masked.</param>
/// <param name="SubPool">The sub-pool as requested, or null.</param>
/// <param name="Node">The node that reserved it.</param>
internal sealed record ClusterPool(string Id, string Pool, string? SubPool, string Node);
