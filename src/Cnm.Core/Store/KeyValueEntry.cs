namespace Cnm.Core.Store;

/// <summary>One key with its value and its revisions, as etcd reports them.</summary>
/// <param name="Key">The key.</param>
/// <param name="Value">The value bytes (empty in a delete event).</param>
/// <param name="CreateRevision">The store revision that created the key (0 in a delete event).</param>
/// <param name="ModRevision">The store revision of the last write to the key (for a delete event: the delete's).</param>
/// <param name="Version">Writes since the key was created, 1 for a new key (0 in a delete event).</param>
public sealed record KeyValueEntry(string Key, ReadOnlyMemory<byte> Value, long CreateRevision, long ModRevision, long Version);
