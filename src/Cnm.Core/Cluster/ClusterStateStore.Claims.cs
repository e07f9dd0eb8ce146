using Cnm.Core.Persistence;
using Cnm.Core.Store;

namespace Cnm.Core.Cluster;

public sealed partial class ClusterStateStore
{
    /// <summary>
    /// This node's default IPAM, when it takes <c>GlobalDefault</c> addresses: a record that holds an address the node took
    /// and has not committed yet is committed on the address key's mod revision, so an address freed meanwhile by a sweep
    /// (spec/cluster.md, "Addresses of a dead node") fails the commit instead of being used.
    /// </summary>
    public ClusterIpam? Claims { get; set; }

    /// <summary>Adds to <paramref name="cluster"/> a check of each unsettled address claim its records hold; returns those keys.</summary>
    private List<string> FenceClaims(StoreTransaction cluster, List<WatchEvent> changes)
    {
        var fenced = new List<string>();
        if (Claims is not { } claims)
        {
            return fenced;
        }

        foreach (var change in changes.Where(c => c.Type == WatchEventType.Put))
        {
            var keys = change.Key.StartsWith(StateKeys.Networks, StringComparison.Ordinal) ? ClusterAddressRefs.Of(StoredObjects.DecodeNetwork(change.Entry))
                : change.Key.StartsWith(StateKeys.Endpoints, StringComparison.Ordinal) ? ClusterAddressRefs.Of(StoredObjects.DecodeEndpoint(change.Entry))
                : [];
            foreach (var key in keys.Where(k => !fenced.Contains(k)))
            {
                if (claims.TryGetClaim(key, out var revision))
                {
                    cluster.If(key, StoreCondition.ModRevisionIs(revision));
                    fenced.Add(key);
                }
            }
        }

        return fenced;
    }
}
