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
public sealed record StoredStateSummary(long Revision, int Networks, int Endpoints, int Sandboxes, int Pools, IReadOnlyList<string> Problems);

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
        ArgumentNullException.ThrowIfNull(store);
        var list = await store.ListAsync(StateKeys.Root, cancellationToken).ConfigureAwait(false);
        var problems = new List<string>();
        var networks = new List<Network>();
        var endpoints = new List<Endpoint>();
        var sandboxes = new List<Sandbox>();
        foreach (var entry in list.Entries)
        {
            try
            {
                Decode(entry, networks, endpoints, sandboxes);
            }
            catch (CnmException ex)
            {
                problems.Add(ex.Message);
            }
        }

        var networkIds = networks.Select(n => n.Id).ToHashSet(StringComparer.Ordinal);
        var endpointIds = endpoints.Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
        var sandboxIds = sandboxes.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var e in endpoints.Where(e => !networkIds.Contains(e.NetworkId)))
        {
            problems.Add($"store record {StateKeys.Endpoint(e.Id)} names network {e.NetworkId}, which is not stored");
        }

        foreach (var e in endpoints.Where(e => e.SandboxId is { } sid && !sandboxIds.Contains(sid)))
        {
            problems.Add($"store record {StateKeys.Endpoint(e.Id)} names sandbox {e.SandboxId}, which is not stored");
        }

        foreach (var s in sandboxes)
        {
            problems.AddRange(s.EndpointIds.Where(id => !endpointIds.Contains(id))
                .Select(id => $"store record {StateKeys.Sandbox(s.Id)} lists endpoint {id}, which is not stored"));
        }

        var pools = networks.Sum(n => n.IPv4Pools.Count + n.IPv6Pools.Count);
        return new StoredStateSummary(list.Revision, networks.Count, endpoints.Count, sandboxes.Count, pools, problems);
    }

    private static void Decode(KeyValueEntry entry, List<Network> networks, List<Endpoint> endpoints, List<Sandbox> sandboxes)
    {
        var key = entry.Key;
        if (key.StartsWith(StateKeys.Networks, StringComparison.Ordinal))
        {
            networks.Add(Checked(key, StateKeys.Networks, StateMapping.ToNetwork(key, entry.Value), n => n.Id));
        }
        else if (key.StartsWith(StateKeys.Endpoints, StringComparison.Ordinal))
        {
            endpoints.Add(Checked(key, StateKeys.Endpoints, StateMapping.ToEndpoint(key, entry.Value), e => e.Id));
        }
        else if (key.StartsWith(StateKeys.Sandboxes, StringComparison.Ordinal))
        {
            sandboxes.Add(Checked(key, StateKeys.Sandboxes, StateMapping.ToSandbox(key, entry.Value), s => s.Id));
        }
    }

    private static T Checked<T>(string key, string prefix, T value, Func<T, string> id) =>
        key.AsSpan(prefix.Length).SequenceEqual(id(value))
            ? value
            : throw CnmException.Internal($"store record {key} holds id {id(value)}, not the id its key names");
}
