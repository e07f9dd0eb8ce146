using Cnm.Core.Model;
using Cnm.Core.Persistence;

namespace Cnm.Daemon.DockerApi.Events;

/// <summary>
/// The last stored state of each network, endpoint and sandbox, as far as events need it, and the Docker events a
/// change of it means: a network that appears is <c>create</c>, one that goes is <c>destroy</c>; an endpoint that
/// gains a sandbox is <c>connect</c>, one that loses it (by a leave, or by being deleted while joined) is
/// <c>disconnect</c>. Endpoints without a sandbox have no events, as in Docker. Not thread-safe: one watch loop owns it.
/// </summary>
internal sealed class StoredView
{
    private readonly Dictionary<string, NetworkFacts> _networks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, EndpointFacts> _endpoints = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SandboxFacts> _sandboxes = new(StringComparer.Ordinal);

    /// <summary>One Docker network event: <c>Action</c> on the network, with the container for connect and disconnect.</summary>
    public sealed record Change(string Action, string NetworkId, string NetworkName, string NetworkType, string? ContainerId);

    public sealed record NetworkFacts(string Name, string Driver)
    {
        public static NetworkFacts From(Network network) => new(network.Name, network.Driver);
    }

    /// <summary>An endpoint's network and sandbox, and the container it was connected as (kept for its disconnect).</summary>
    public sealed record EndpointFacts(string NetworkId, string? SandboxId, string? ContainerId)
    {
        public static EndpointFacts From(Core.Model.Endpoint endpoint) => new(endpoint.NetworkId, endpoint.SandboxId, null);
    }

    public sealed record SandboxFacts(string ContainerId)
    {
        public static SandboxFacts From(Sandbox sandbox) => new(sandbox.Options.ContainerId);
    }

    /// <summary>The networks in the view.</summary>
    public IEnumerable<string> NetworkIds => _networks.Keys;

    /// <summary>Sets an object while loading, without events.</summary>
    public void Set(StoredObjectKind kind, string id, object facts)
    {
        switch (facts)
        {
            case NetworkFacts n when kind == StoredObjectKind.Network:
                _networks[id] = n;
                break;
            case EndpointFacts e when kind == StoredObjectKind.Endpoint:
                _endpoints[id] = e;
                break;
            case SandboxFacts s when kind == StoredObjectKind.Sandbox:
                _sandboxes[id] = s;
                break;
        }
    }

    /// <summary>After loading: each joined endpoint's container, from its sandbox.</summary>
    public void ResolveContainers()
    {
        foreach (var (id, e) in _endpoints.ToList())
        {
            if (e.SandboxId is { } sandbox)
            {
                _endpoints[id] = e with { ContainerId = ContainerOf(sandbox) };
            }
        }
    }

    /// <summary>A put seen by the watch; returns the events it means.</summary>
    public List<Change> Put(StoredObjectKind kind, string id, object facts)
    {
        var changes = new List<Change>();
        switch (facts)
        {
            case NetworkFacts n when kind == StoredObjectKind.Network:
                if (!_networks.ContainsKey(id))
                {
                    changes.Add(new Change("create", id, n.Name, n.Driver, null));
                }

                _networks[id] = n;
                break;
            case EndpointFacts e when kind == StoredObjectKind.Endpoint:
                var before = _endpoints.GetValueOrDefault(id);
                var next = e with { ContainerId = e.SandboxId is { } sid ? (before?.SandboxId == sid ? before.ContainerId : ContainerOf(sid)) : null };
                if (before?.SandboxId is not null && before.SandboxId != e.SandboxId)
                {
                    changes.Add(ForEndpoint("disconnect", before));
                }

                if (e.SandboxId is not null && before?.SandboxId != e.SandboxId)
                {
                    changes.Add(ForEndpoint("connect", next));
                }

                _endpoints[id] = next;
                break;
            case SandboxFacts s when kind == StoredObjectKind.Sandbox:
                _sandboxes[id] = s;
                break;
        }

        return changes;
    }

    /// <summary>A delete seen by the watch; returns the events it means.</summary>
    public List<Change> Remove(StoredObjectKind kind, string id)
    {
        var changes = new List<Change>();
        switch (kind)
        {
            case StoredObjectKind.Network when _networks.Remove(id, out var n):
                changes.Add(new Change("destroy", id, n.Name, n.Driver, null));
                break;
            case StoredObjectKind.Endpoint when _endpoints.Remove(id, out var e) && e.SandboxId is not null:
                changes.Add(ForEndpoint("disconnect", e));
                break;
            case StoredObjectKind.Sandbox:
                _sandboxes.Remove(id);
                break;
        }

        return changes;
    }

    /// <summary>
    /// The events between this view and <paramref name="fresh"/> (after a lost watch): networks created, then
    /// endpoints connected or disconnected, then networks destroyed.
    /// </summary>
    public List<Change> Diff(StoredView fresh)
    {
        var changes = new List<Change>();
        changes.AddRange(fresh._networks.Where(n => !_networks.ContainsKey(n.Key)).Select(n => new Change("create", n.Key, n.Value.Name, n.Value.Driver, null)));
        foreach (var (id, old) in _endpoints)
        {
            var now = fresh._endpoints.GetValueOrDefault(id);
            if (old.SandboxId is not null && now?.SandboxId != old.SandboxId)
            {
                changes.Add(ForEndpoint("disconnect", old));
            }
        }

        foreach (var (id, now) in fresh._endpoints)
        {
            if (now.SandboxId is not null && _endpoints.GetValueOrDefault(id)?.SandboxId != now.SandboxId)
            {
                changes.Add(fresh.ForEndpoint("connect", now));
            }
        }

        changes.AddRange(_networks.Where(n => !fresh._networks.ContainsKey(n.Key)).Select(n => new Change("destroy", n.Key, n.Value.Name, n.Value.Driver, null)));
        return changes;
    }

    public void ReplaceWith(StoredView fresh)
    {
        Replace(_networks, fresh._networks);
        Replace(_endpoints, fresh._endpoints);
        Replace(_sandboxes, fresh._sandboxes);
    }

    private Change ForEndpoint(string action, EndpointFacts endpoint)
    {
        var network = _networks.GetValueOrDefault(endpoint.NetworkId);
        return new Change(action, endpoint.NetworkId, network?.Name ?? "", network?.Driver ?? "", endpoint.ContainerId ?? ContainerOf(endpoint.SandboxId!));
    }

    /// <summary>The sandbox's container id; the sandbox id itself if the sandbox is not known.</summary>
    private string ContainerOf(string sandboxId) => _sandboxes.GetValueOrDefault(sandboxId)?.ContainerId ?? sandboxId;

    private static void Replace<T>(Dictionary<string, T> target, Dictionary<string, T> source)
    {
        target.Clear();
        foreach (var (key, value) in source)
        {
            target[key] = value;
        }
    }
}
