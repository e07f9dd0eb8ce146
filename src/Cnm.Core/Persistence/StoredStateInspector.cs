using Cnm.Core.Errors;
using Cnm.Core.Model;
using Cnm.Core.Store;

namespace Cnm.Core.Persistence;

/// <summary>What the controller's records in a store hold, and what is wrong with them.</summary>
/// <param name="Revision">The store revision the records were read at.</param>
/// <param name="Networks">Networks stored.</param>
/// <param name="Endpoints">Endpoints stored.</param>
/// <param name="Sandboxes">Sandboxes stored.</param>
/// <param name="Pools">IPAM pools the stored networks hold (IPv4 and IPv6).</param>
/// <param name="Problems">Records that cannot be decoded or refer to records that are not stored, one line each.</param>
/// <param name="Intents">Operations that were in flight when cnmd stopped (start-up finishes or undoes them).</param>
/// <param name="PendingCalls">Driver calls owed to drivers that could not be reached yet.</param>
public sealed record StoredStateSummary(long Revision, int Networks, int Endpoints, int Sandboxes, int Pools, IReadOnlyList<string> Problems,
    int Intents = 0, int PendingCalls = 0);

/// <summary>
/// Decodes every stored network, endpoint and sandbox exactly as restore does (the same records, the same
/// checks of ids and references) without a controller, drivers or plugins: for <c>cnmd --check</c> and
/// <c>cnm system df</c>. Reads only.
/// </summary>
public static class StoredStateInspector
{
    /// <summary>Reads and decodes every record under the controller's prefix.</summary>
    public static async Task<StoredStateSummary> InspectAsync(IKeyValueStore store, CancellationToken cancellationToken)
    {
        var state = await ReadAsync(store, cancellationToken).ConfigureAwait(false);
        var pools = state.Networks.Sum(n => n.IPv4Pools.Count + n.IPv6Pools.Count);
        return new StoredStateSummary(state.Revision, state.Networks.Count, state.Endpoints.Count, state.Sandboxes.Count, pools, state.Problems,
            state.Intents.Count, state.Pending.Count);
    }

    /// <summary>
    /// The decoded records, with one problem line per record that cannot be decoded, holds another id than its
    /// key names, or refers to a record that is not stored. Restore refuses a state with problems; the check
    /// reports them.
    /// </summary>
    internal static async Task<StoredState> ReadAsync(IKeyValueStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var list = await store.ListAsync(StateKeys.Root, cancellationToken).ConfigureAwait(false);
        var state = new StoredState(list.Revision);
        var entries = list.Entries;
        for (var i = 0; i < entries.Count; i++)
        {
            switch (DecodeOrProblem(entries[i]))
            {
                case Network network:
                    state.Networks.Add(network);
                    break;
                case Endpoint endpoint:
                    state.Endpoints.Add(endpoint);
                    break;
                case Sandbox sandbox:
                    state.Sandboxes.Add(sandbox);
                    break;
                case StoredIntent intent:
                    state.Intents.Add(intent);
                    break;
                case PendingCall call:
                    state.Pending.Add(call);
                    break;
                case Problem problem:
                    state.Problems.Add(problem.Message);
                    break;
                default:
                    state.UnknownKeys.Add(entries[i].Key);
                    break;
            }
        }

        // Each endpoint shares its network's id string rather than a copy of it: 20,000 fewer strings, and a
        // pass over the endpoints that compares network ids reads 1,000 strings, not 20,000 (spec/performance.md).
        var networkIds = state.Networks.Select(n => n.Id).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < state.Endpoints.Count; i++)
        {
            if (networkIds.TryGetValue(state.Endpoints[i].NetworkId, out var shared))
            {
                state.Endpoints[i] = state.Endpoints[i] with { NetworkId = shared };
            }
        }

        var endpointIds = state.Endpoints.Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
        var sandboxIds = state.Sandboxes.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var e in state.Endpoints.Where(e => !networkIds.Contains(e.NetworkId)))
        {
            state.Problems.Add($"store record {StateKeys.Endpoint(e.Id)} names network {e.NetworkId}, which is not stored");
        }

        foreach (var e in state.Endpoints.Where(e => e.SandboxId is { } sid && !sandboxIds.Contains(sid)))
        {
            state.Problems.Add($"store record {StateKeys.Endpoint(e.Id)} names sandbox {e.SandboxId}, which is not stored");
        }

        foreach (var s in state.Sandboxes)
        {
            state.Problems.AddRange(s.EndpointIds.Where(id => !endpointIds.Contains(id))
                .Select(id => $"store record {StateKeys.Sandbox(s.Id)} lists endpoint {id}, which is not stored"));
        }

        return state;
    }

    /// <summary>A network, endpoint or sandbox; a <see cref="Problem"/>; or an unknown key's marker.</summary>
    private static object DecodeOrProblem(KeyValueEntry entry)
    {
        try
        {
            return Decode(entry);
        }
        catch (CnmException ex)
        {
            return new Problem(ex.Message);
        }
    }

    private static object Decode(KeyValueEntry entry)
    {
        var key = entry.Key;
        if (key.StartsWith(StateKeys.Networks, StringComparison.Ordinal))
        {
            return Checked(key, StateKeys.Networks, StateMapping.ToNetwork(key, entry.Value), n => n.Id);
        }

        if (key.StartsWith(StateKeys.Endpoints, StringComparison.Ordinal))
        {
            return Checked(key, StateKeys.Endpoints, StateMapping.ToEndpoint(key, entry.Value), e => e.Id);
        }

        if (key.StartsWith(StateKeys.Sandboxes, StringComparison.Ordinal))
        {
            return Checked(key, StateKeys.Sandboxes, StateMapping.ToSandbox(key, entry.Value), s => s.Id);
        }

        if (key.StartsWith(StateKeys.Intents, StringComparison.Ordinal))
        {
            return Checked(key, StateKeys.Intents, StateMapping.ToIntent(key, entry.Value), i => i.ObjectId);
        }

        return key.StartsWith(StateKeys.Pending, StringComparison.Ordinal) ? StateMapping.ToPendingCall(key, entry.Value) : UnknownKey;
    }

    private static readonly object UnknownKey = new();

    private sealed record Problem(string Message);

    private static T Checked<T>(string key, string prefix, T value, Func<T, string> id) =>
        key.AsSpan(prefix.Length).SequenceEqual(id(value))
            ? value
            : throw CnmException.Internal($"store record {key} holds id {id(value)}, not the id its key names");
}

/// <summary>The controller's records as read from the store at one revision.</summary>
internal sealed class StoredState(long revision)
{
    public long Revision { get; } = revision;

    public List<Network> Networks { get; } = [];

    public List<Endpoint> Endpoints { get; } = [];

    /// <summary>
    /// <see cref="Endpoints"/> grouped by network id, in store order within a network: restore re-seeds an IPAM
    /// network by network, and scanning every endpoint once per network is quadratic (1,000 networks × 20,000
    /// endpoints is 20 million comparisons; spec/performance.md, "Restore").
    /// </summary>
    public ILookup<string, Endpoint> EndpointsByNetwork => _byNetwork ??= Endpoints.ToLookup(e => e.NetworkId, StringComparer.Ordinal);

    private ILookup<string, Endpoint>? _byNetwork;

    public List<Sandbox> Sandboxes { get; } = [];

    public List<StoredIntent> Intents { get; } = [];

    /// <summary>Pending calls in key order, which is their sequence order.</summary>
    public List<PendingCall> Pending { get; } = [];

    /// <summary>Keys under the controller's prefix that this version does not know (kept, not restored).</summary>
    public List<string> UnknownKeys { get; } = [];

    public List<string> Problems { get; } = [];
}
