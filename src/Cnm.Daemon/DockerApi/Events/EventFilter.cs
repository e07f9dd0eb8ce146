using Cnm.Core.Errors;

namespace Cnm.Daemon.DockerApi.Events;

/// <summary>
/// The <c>filters</c> of <c>GET /events</c>, matched as dockerd's <c>events.Filter</c> matches them: values of one key
/// ORed, keys ANDed; <c>type</c> and <c>scope</c> exact; <c>event</c> exact (by prefix for <c>exec_create</c>,
/// <c>exec_start</c> and <c>health_status</c>); <c>network</c>, <c>container</c> and the other object keys by id or
/// name prefix of the event's actor; <c>label</c> against the actor's attributes. Unlike dockerd, an unknown key, type,
/// scope or action is refused with 400 instead of matching nothing.
/// </summary>
internal sealed class EventFilter
{
    /// <summary>Docker's object filters: each matches the actor's id or <c>name</c> attribute by prefix.</summary>
    private static readonly string[] ObjectKeys = ["config", "container", "daemon", "network", "node", "plugin", "secret", "service", "volume"];

    private static readonly HashSet<string> Keys = [.. ObjectKeys, "event", "image", "label", "scope", "type"];

    /// <summary>Docker's event types (the docker CLI's completion list).</summary>
    private static readonly HashSet<string> Types = ["builder", "config", "container", "daemon", "image", "network", "node", "plugin", "secret", "service", "volume"];

    /// <summary>Docker's event actions (api/types/events); exec and health actions may carry a suffix after ": ".</summary>
    private static readonly HashSet<string> Actions =
    [
        "create", "start", "restart", "stop", "checkpoint", "pause", "unpause", "attach", "detach", "resize", "update", "rename",
        "kill", "die", "oom", "destroy", "remove", "commit", "top", "copy", "archive-path", "extract-to-dir", "export", "import",
        "save", "load", "tag", "untag", "push", "pull", "prune", "delete", "enable", "disable", "connect", "disconnect", "reload",
        "mount", "unmount", "exec_create", "exec_start", "exec_die", "exec_detach", "health_status",
    ];

    private static readonly string[] PrefixActions = ["exec_create", "exec_start", "health_status"];

    private readonly NetworkFilters _filters;

    private EventFilter(NetworkFilters filters) => _filters = filters;

    public bool IsEmpty => Keys.All(k => _filters.Get(k).Count == 0);

    public static EventFilter Parse(string? json)
    {
        var filters = NetworkFilters.Parse(json, Keys);
        Check(filters, "type", v => Types.Contains(v), "expected one of " + string.Join(", ", Types.Order(StringComparer.Ordinal)));
        Check(filters, "scope", v => v is "local" or "swarm", "expected local or swarm");
        Check(filters, "event", v => Actions.Contains(v) || PrefixActions.Any(p => v.StartsWith(p + ": ", StringComparison.Ordinal)),
            "not a Docker event action (network events are create, connect, disconnect, destroy and remove)");
        return new EventFilter(filters);
    }

    public bool Include(EventMessage message)
    {
        var events = _filters.Get("event");
        var fuzzyEvent = events.Any(v => PrefixActions.Contains(v));
        var name = message.Actor.Attributes.GetValueOrDefault("name") ?? "";
        return Match("event", v => fuzzyEvent ? message.Action.StartsWith(v, StringComparison.Ordinal) : message.Action == v)
            && Match("type", v => message.Type == v)
            && Match("scope", v => message.Scope == v)
            && ObjectKeys.All(key => Match(key, v => message.Actor.ID.StartsWith(v, StringComparison.Ordinal) || name.StartsWith(v, StringComparison.Ordinal)))
            && Match("image", v => v == message.Actor.ID || v == message.Actor.Attributes.GetValueOrDefault(message.Type == "image" ? "name" : "image"))
            && LabelsMatch(message.Actor.Attributes);
    }

    private bool Match(string key, Func<string, bool> predicate) => _filters.Matches(key, predicate);

    /// <summary>Docker's MatchKVList: every label filter must be an attribute (with its value, when given).</summary>
    private bool LabelsMatch(SortedDictionary<string, string> attributes)
    {
        var labels = _filters.Get("label");
        return labels.Count == 0 || (attributes.Count > 0 && labels.All(l => NetworkFilters.LabelMatches(attributes, l)));
    }

    private static void Check(NetworkFilters filters, string key, Func<string, bool> valid, string expected)
    {
        foreach (var value in filters.Get(key).Where(v => !valid(v)))
        {
            throw CnmException.InvalidParameter($"invalid filter '{key}={value}': {expected}");
        }
    }
}
