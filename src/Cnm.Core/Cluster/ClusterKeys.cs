using System.Text.RegularExpressions;
using Cnm.Core.Errors;

namespace Cnm.Core.Cluster;

/// <summary>
/// The store keys of cluster membership, global intents and address claims (spec/cluster-membership.md, "Key layout").
/// They are store keys: on etcd each lives under the store's own prefix (<c>{Prefix}kv/</c>).
/// </summary>
public static partial class ClusterKeys
{
    /// <summary>Everything of the cluster's own bookkeeping lives under this prefix.</summary>
    public const string Root = "cnm/v1/cluster/";

    /// <summary>One lease-backed key per live node: <c>cnm/v1/cluster/nodes/{node}</c>.</summary>
    public const string Nodes = Root + "nodes/";

    /// <summary>Global intents by owning node: <c>cnm/v1/cluster/intents/{node}/{intent id}</c>.</summary>
    public const string Intents = Root + "intents/";

    /// <summary>Address claims: <c>cnm/v1/cluster/addresses/{pool id}/{address}</c>.</summary>
    public const string Addresses = Root + "addresses/";

    /// <summary>The membership key of <paramref name="node"/>.</summary>
    public static string Node(string node) => Nodes + node;

    /// <summary>The prefix of <paramref name="node"/>'s intents.</summary>
    public static string IntentsOf(string node) => Intents + node + "/";

    /// <summary>The key of one intent.</summary>
    public static string Intent(string node, string intentId) => IntentsOf(node) + intentId;

    /// <summary>The prefix of the claims in one pool.</summary>
    public static string AddressesOf(string poolId) => Addresses + poolId + "/";

    /// <summary>The claim key of one address of a pool.</summary>
    public static string Address(string poolId, string address) => AddressesOf(poolId) + address;

    /// <summary>
    /// Throws InvalidParameter unless <paramref name="name"/> is a valid node name: 1 to 253 letters, digits and
    /// <c>- _ .</c>, the rule of cnmd's <c>--node-name</c> (it is one segment of a key, so no <c>/</c>).
    /// </summary>
    public static void ValidateNodeName(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 253 || !NodeNamePattern().IsMatch(name))
        {
            throw CnmException.InvalidParameter(
                $"node name \"{name}\" is invalid: use 1 to 253 letters, digits, '-', '_' and '.'");
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_.-]+$")]
    private static partial Regex NodeNamePattern();
}
