using System.Diagnostics;
using Cnm.Plugins.Client;

namespace Cnm.Daemon.Hosting;

/// <summary>
/// Carries an API client's W3C trace context on to the plugins it causes calls to, and does nothing else:
/// cnmd configures no trace exporter, so a trace it started itself would reach nobody but the plugin.
/// </summary>
/// <remarks>
/// An <see cref="ActivityListener"/> on ASP.NET Core's hosting source and on <see cref="PluginMetrics.Source"/>.
/// A request that came with a <c>traceparent</c> gets a server activity under it (ASP.NET Core extracts the
/// header and hands it to the listener as the parent), each plugin call under that request gets a client
/// activity, and HttpClient sends that activity's <c>traceparent</c> (and <c>tracestate</c>) to the plugin.
/// A request without one gets no activity, so its plugin calls carry no trace header: byte for byte what the
/// reference sends. The sampled flag is the client's (spec/daemon-api.md, "Tracing").
/// </remarks>
internal static class TracePropagation
{
    /// <summary>ASP.NET Core's activity source for incoming requests.</summary>
    public const string HostingSource = "Microsoft.AspNetCore";

    /// <summary>Starts listening for the life of the process; disposing the result stops it (tests).</summary>
    public static IDisposable Start()
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is HostingSource or PluginMetrics.Name,
            Sample = static (ref ActivityCreationOptions<ActivityContext> options) =>
                options.Source.Name == HostingSource || FromClient(Activity.Current) ? Decide(options.Parent) : ActivitySamplingResult.None,
            SampleUsingParentId = static (ref ActivityCreationOptions<string> options) =>
                ActivityContext.TryParse(options.Parent, null, out var parent) ? Decide(parent) : ActivitySamplingResult.None,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    /// <summary>
    /// Whether the trace came from an API client. While hosting's log category is on (<c>--log-level debug</c>),
    /// ASP.NET Core makes every request an activity of its own for its log scopes, with a trace id of its own
    /// and no remote parent; a plugin call under one is not traced, so the plugin sees no trace header.
    /// </summary>
    internal static bool FromClient(Activity? current)
    {
        for (var activity = current; activity is not null; activity = activity.Parent)
        {
            if (activity.HasRemoteParent)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// No activity without a parent; under one, the parent's sampled flag decides whether the activity is
    /// recorded (the flag the plugin then sees), and either way it carries the trace id on.
    /// </summary>
    internal static ActivitySamplingResult Decide(ActivityContext parent) =>
        parent == default ? ActivitySamplingResult.None
        : (parent.TraceFlags & ActivityTraceFlags.Recorded) != 0 ? ActivitySamplingResult.AllDataAndRecorded
        : ActivitySamplingResult.PropagationData;
}
