using System.Diagnostics;
using System.Diagnostics.Metrics;
using Cnm.Protocol;

namespace Cnm.Plugins.Client;

/// <summary>
/// The telemetry of plugin calls: the <c>Cnm.Plugins</c> meter (a call counter and a duration histogram)
/// and the <c>Cnm.Plugins</c> activity source (one activity per call, so that HttpClient sends a W3C
/// <c>traceparent</c> to the plugin while tracing is on).
/// </summary>
public static class PluginMetrics
{
    /// <summary>The name of the meter and of the activity source.</summary>
    public const string Name = "Cnm.Plugins";

    /// <summary>The name of the counter of calls (tags <c>plugin</c>, <c>method</c>, <c>outcome</c>, <c>error</c>).</summary>
    public const string CallsName = "cnm.plugin.calls";

    /// <summary>The name of the histogram of call durations in seconds (tags <c>plugin</c>, <c>method</c>, <c>outcome</c>).</summary>
    public const string DurationName = "cnm.plugin.call.duration";

    private static readonly Meter PluginMeter = new(Name);

    private static readonly Counter<long> Calls = PluginMeter.CreateCounter<long>(CallsName, unit: "{call}",
        description: "Plugin calls, by plugin, method and outcome (ok or error, with the error category).");

    private static readonly Histogram<double> Duration = PluginMeter.CreateHistogram<double>(DurationName, unit: "s",
        description: "Duration of plugin calls in seconds, by plugin, method and outcome.",
        advice: new InstrumentAdvice<double>
        {
            HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
        });

    /// <summary>The source of the per-call activities, named <c>plugin {method}</c>.</summary>
    public static ActivitySource Source { get; } = new(Name);

    internal static void Record(string plugin, string method, string? error, TimeSpan elapsed)
    {
        var tags = new TagList
        {
            { "plugin", plugin },
            { "method", method },
            { "outcome", error is null ? "ok" : "error" },
        };
        Duration.Record(elapsed.TotalSeconds, tags);
        if (error is not null)
        {
            tags.Add("error", error);
        }

        Calls.Add(1, tags);
    }

    /// <summary>The <c>error</c> tag of a failed call: the category in lower case, or <c>canceled</c> when the caller gave up.</summary>
    internal static string CategoryTag(ErrorCategory category) => category switch
    {
        ErrorCategory.InvalidParameter => "invalid_parameter",
        ErrorCategory.NotFound => "not_found",
        ErrorCategory.Conflict => "conflict",
        ErrorCategory.Forbidden => "forbidden",
        ErrorCategory.Unavailable => "unavailable",
        ErrorCategory.NotImplemented => "not_implemented",
        ErrorCategory.Timeout => "timeout",
        _ => "internal",
    };
}
