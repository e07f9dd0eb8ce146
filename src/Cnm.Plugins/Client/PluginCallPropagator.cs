using System.Diagnostics;

namespace Cnm.Plugins.Client;

/// <summary>
/// The trace-header propagator of the plugin client: the process's own (<see cref="DistributedContextPropagator.Current"/>,
/// W3C <c>traceparent</c> and <c>tracestate</c> by default), but only for an activity of <see cref="PluginMetrics.Source"/>.
/// </summary>
/// <remarks>
/// HttpClient sends the current activity's context even when nobody listens to its own source. Around a plugin call
/// that no one traces, the current activity is someone else's: ASP.NET Core makes one per request for its log
/// scopes at debug level, with a trace id nobody asked for. The plugin then sees no trace header, as from the
/// reference; a call that is traced (a listener on <c>Cnm.Plugins</c> sampled it) carries its own context.
/// </remarks>
internal sealed class PluginCallPropagator : DistributedContextPropagator
{
    public static PluginCallPropagator Instance { get; } = new();

    private PluginCallPropagator()
    {
    }

    public override IReadOnlyCollection<string> Fields => Current.Fields;

    public override void Inject(Activity? activity, object? carrier, PropagatorSetterCallback? setter)
    {
        if (IsPluginCall(activity) && !ReferenceEquals(Current, this))
        {
            Current.Inject(activity, carrier, setter);
        }
    }

    // While an activity is current and nobody listens to System.Net.Http's own source, HttpClient makes a bare
    // child activity for the request and sends that: a plugin call's, when its parent is one.
    private static bool IsPluginCall(Activity? activity) =>
        activity is not null && (ReferenceEquals(activity.Source, PluginMetrics.Source)
            || ReferenceEquals(activity.Parent?.Source, PluginMetrics.Source));

    public override void ExtractTraceIdAndState(object? carrier, PropagatorGetterCallback? getter, out string? traceId,
        out string? traceState) => Current.ExtractTraceIdAndState(carrier, getter, out traceId, out traceState);

    public override IEnumerable<KeyValuePair<string, string?>>? ExtractBaggage(object? carrier, PropagatorGetterCallback? getter) =>
        Current.ExtractBaggage(carrier, getter);
}
