using System.Globalization;

namespace Cnm.Core.Store;

/// <summary>
/// The comparison a conditional write makes against a key's current state: the compare-and-set of
/// etcd's transactions. Use <see cref="Any"/>, <see cref="NotExists"/>, <see cref="Exists"/>,
/// <see cref="ModRevisionIs"/> or <see cref="VersionIs"/>.
/// </summary>
/// <param name="Kind">What is compared.</param>
/// <param name="Value">The expected mod revision or version, for those kinds.</param>
public readonly record struct StoreCondition(StoreConditionKind Kind, long Value)
{
    /// <summary>No comparison: the write always happens.</summary>
    public static StoreCondition Any => new(StoreConditionKind.Any, 0);

    /// <summary>The key must not exist (create only).</summary>
    public static StoreCondition NotExists => new(StoreConditionKind.NotExists, 0);

    /// <summary>The key must exist.</summary>
    public static StoreCondition Exists => new(StoreConditionKind.Exists, 0);

    /// <summary>The key must exist and have been written last at <paramref name="modRevision"/>.</summary>
    public static StoreCondition ModRevisionIs(long modRevision) =>
        modRevision > 0
            ? new(StoreConditionKind.ModRevision, modRevision)
            : throw new ArgumentOutOfRangeException(nameof(modRevision), modRevision, "a mod revision is at least 1; use NotExists for a missing key");

    /// <summary>The key must exist with version <paramref name="version"/>.</summary>
    public static StoreCondition VersionIs(long version) =>
        version > 0
            ? new(StoreConditionKind.Version, version)
            : throw new ArgumentOutOfRangeException(nameof(version), version, "a version is at least 1; use NotExists for a missing key");

    /// <summary>Throws a <see cref="StoreConflictException"/> when the condition does not hold for <paramref name="current"/>.</summary>
    internal void Check(string key, KeyValueEntry? current)
    {
        var holds = Kind switch
        {
            StoreConditionKind.Any => true,
            StoreConditionKind.NotExists => current is null,
            StoreConditionKind.Exists => current is not null,
            StoreConditionKind.ModRevision => current?.ModRevision == Value,
            StoreConditionKind.Version => current?.Version == Value,
            _ => throw new InvalidOperationException($"unknown store condition kind {Kind}"),
        };
        if (!holds)
        {
            throw new StoreConflictException(key, Describe(), DescribeActual(current));
        }
    }

    /// <summary>The expectation in words, for error messages.</summary>
    public string Describe() => Kind switch
    {
        StoreConditionKind.NotExists => "key absent",
        StoreConditionKind.Exists => "key present",
        StoreConditionKind.ModRevision => "mod revision " + Value.ToString(CultureInfo.InvariantCulture),
        StoreConditionKind.Version => "version " + Value.ToString(CultureInfo.InvariantCulture),
        _ => "any",
    };

    private static string DescribeActual(KeyValueEntry? current) =>
        current is null
            ? "key absent"
            : string.Create(CultureInfo.InvariantCulture, $"mod revision {current.ModRevision}, version {current.Version}");
}
