namespace Cnm.Daemon.NativeApi;

/// <summary>
/// The calls of one plugin method since cnmd started: counts, failures by the metric's error category, the
/// latest failure, and durations in milliseconds (p50 and p99 from buckets, at most 12.5 % high).
/// </summary>
internal sealed record PluginMethodResource(string Method, long Calls, long Errors, Dictionary<string, long> ErrorsByCategory,
    string? LastError, string? LastErrorAt, double MeanMs, double P50Ms, double P99Ms, double MaxMs);
