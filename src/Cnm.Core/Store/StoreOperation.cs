namespace Cnm.Core.Store;

/// <summary>One write of a <see cref="StoreTransaction"/>: a put, or a delete when <paramref name="IsDelete"/>.</summary>
/// <param name="Key">The key written.</param>
/// <param name="Value">The value of a put (empty for a delete).</param>
/// <param name="IsDelete">True for a delete.</param>
public sealed record StoreOperation(string Key, ReadOnlyMemory<byte> Value, bool IsDelete);
