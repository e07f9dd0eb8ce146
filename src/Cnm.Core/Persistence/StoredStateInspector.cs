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
        foreach (var entry in list.Entries)
        {
            try
            {
                Decode(entry, state);
            }
            catch (CnmException ex)
            {
                state.Problems.Add(ex.Message);
            }
        }

        var networkIds = state.Networks.Select(n => n.Id).ToHashSet(StringComparer.Ordinal);
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

    private static void Decode(KeyValueEntry entry, StoredState state)
    {
        var key = entry.Key;
        if (key.StartsWith(StateKeys.Networks, StringComparison.Ordinal))
        {
            state.Networks.Add(Checked(key, StateKeys.Networks, StateMapping.ToNetwork(key, entry.Value), n => n.Id));
        }
        else if (key.StartsWith(StateKeys.Endpoints, StringComparison.Ordinal))
        {
            state.Endpoints.Add(Checked(key, StateKeys.Endpoints, StateMapping.ToEndpoint(key, entry.Value), e => e.Id));
        }
        else if (key.StartsWith(StateKeys.Sandboxes, StringComparison.Ordinal))
        {
            state.Sandboxes.Add(Checked(key, StateKeys.Sandboxes, StateMapping.ToSandbox(key, entry.Value), s => s.Id));
        }
        else if (key.StartsWith(StateKeys.Intents, StringComparison.Ordinal))
        {
            state.Intents.Add(Checked(key, StateKeys.Intents, StateMapping.ToIntent(key, entry.Value), i => i.ObjectId));
        }
        else if (key.StartsWith(StateKeys.Pending, StringComparison.Ordinal))
        {
            state.Pending.Add(StateMapping.ToPendingCall(key, entry.Value));
        }
        else
        {
            state.UnknownKeys.Add(key);
        }
    }

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

    public List<Sandbox> Sandboxes { get; } = [];

    public List<StoredIntent> Intents { get; } = [];

    /// <summary>Pending calls in key order, which is their sequence order.</summary>
    public List<PendingCall> Pending { get; } = [];

    /// <summary>Keys under the controller's prefix that this version does not know (kept, not restored).</summary>
    public List<string> UnknownKeys { get; } = [];

    public List<string> Problems { get; } = [];
}
