namespace Cnm.Core.Store;

/// <summary>What a <see cref="StoreCondition"/> compares.</summary>
public enum StoreConditionKind
{
    /// <summary>Always holds.</summary>
    Any,

    /// <summary>The key must not exist.</summary>
    NotExists,

    /// <summary>The key must exist.</summary>
    Exists,

    /// <summary>The key must exist with this mod revision.</summary>
    ModRevision,

    /// <summary>The key must exist with this version.</summary>
    Version,
}
