namespace Cnm.Core.Store;

/// <summary>One comparison of a <see cref="StoreTransaction"/>.</summary>
/// <param name="Key">The key compared.</param>
/// <param name="Condition">What must hold for it.</param>
public sealed record StoreCompare(string Key, StoreCondition Condition);
