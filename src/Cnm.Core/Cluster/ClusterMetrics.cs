using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Cnm.Core.Cluster;

/// <summary>The cluster's metrics (spec/cluster.md, "Compare-and-set and retries"), scraped with cnmd's others at <c>/metrics</c>.</summary>
public static class ClusterMetrics
{
    /// <summary>The name of the meter.</summary>
    public const string Name = "Cnm.Cluster";

    /// <summary>Counter of allocations made on the cluster store (tag <c>kind</c>: <c>pool</c> or <c>address</c>).</summary>
    public const string AllocationsName = "cnm.cluster.allocations";

    /// <summary>Counter of compare-and-set conflicts that were retried (tag <c>kind</c>: <c>pool</c> or <c>address</c>).</summary>
    public const string RetriesName = "cnm.cluster.allocation.retries";

    private static readonly Meter ClusterMeter = new(Name);

    private static readonly Counter<long> Allocations = ClusterMeter.CreateCounter<long>(AllocationsName, unit: "{allocation}",
        description: "Pools and addresses allocated on the cluster store, by kind.");

    private static readonly Counter<long> Retries = ClusterMeter.CreateCounter<long>(RetriesName, unit: "{retry}",
        description: "Compare-and-set conflicts on the cluster store that were retried, by kind.");

    private static long _retries;

    /// <summary>Retries counted by this process so far (for tests and diagnostics).</summary>
    public static long RetryCount => Interlocked.Read(ref _retries);

    internal static void Allocated(string kind) => Allocations.Add(1, new TagList { { "kind", kind } });

    internal static void Retried(string kind)
    {
        Interlocked.Increment(ref _retries);
        Retries.Add(1, new TagList { { "kind", kind } });
    }
}
