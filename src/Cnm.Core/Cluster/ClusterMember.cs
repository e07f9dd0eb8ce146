using System.Text.Json.Serialization;

namespace Cnm.Core.Cluster;

/// <summary>A member of the cluster, as its membership key holds it (spec/cluster-membership.md, "Membership").</summary>
/// <param name="Name">The node's name (<c>--node-name</c>), unique in the cluster.</param>
/// <param name="Address">The advertised address (<c>--advertise-addr</c>): an IP, optionally with <c>:port</c>.</param>
/// <param name="Incarnation">A fresh id per start of the node, so a restart is told from a renewal.</param>
public sealed record ClusterMember(
    [property: JsonPropertyName("Name")] string Name,
    [property: JsonPropertyName("Address")] string Address,
    [property: JsonPropertyName("Incarnation")] string Incarnation)
{
    /// <summary>The IP of <see cref="Address"/> without a port: what drivers get as the node's address.</summary>
    [JsonIgnore]
    public string Ip => AdvertiseAddress.IpOf(Address);
}
