namespace Cnm.Plugins.Client;

/// <summary>A snapshot of the calls of one plugin method, as <see cref="PluginCallStats"/> aggregated them.</summary>
/// <param name="Method">The method, e.g. <c>NetworkDriver.CreateNetwork</c>.</param>
/// <param name="Calls">Calls finished, whatever their outcome.</param>
/// <param name="Errors">Calls that failed (a caller's cancel included).</param>
/// <param name="ErrorsByCategory">Failed calls by the metric's <c>error</c> tag (<c>timeout</c>, <c>canceled</c>, …).</param>
/// <param name="LastError">The <c>error</c> tag of the latest failure; null when none failed.</param>
/// <param name="LastErrorAt">When the latest failure was recorded.</param>
/// <param name="Mean">Mean duration.</param>
/// <param name="P50">Median duration (from buckets: at most 12.5 % high).</param>
/// <param name="P99">99th percentile duration (from buckets: at most 12.5 % high).</param>
/// <param name="Max">Longest call.</param>
public sealed record PluginMethodStats(
    string Method,
    long Calls,
    long Errors,
    IReadOnlyDictionary<string, long> ErrorsByCategory,
    string? LastError,
    DateTimeOffset? LastErrorAt,
    TimeSpan Mean,
    TimeSpan P50,
    TimeSpan P99,
    TimeSpan Max);
