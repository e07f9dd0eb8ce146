namespace Cnm.Core.Store;

/// <summary>The entries under a prefix, ordered by key, and the store revision they were read at.</summary>
/// <param name="Entries">The entries, ordered by key.</param>
/// <param name="Revision">The store revision of this snapshot; watch after it to miss nothing.</param>
public sealed record KeyValueList(IReadOnlyList<KeyValueEntry> Entries, long Revision);
