namespace Cnm.Core.Cluster;

/// <summary>Options of <see cref="ClusterMembership"/> (spec/cluster-membership.md).</summary>
public sealed class ClusterMembershipOptions
{
    /// <summary>This node's name (<c>--node-name</c>); see <see cref="ClusterKeys.ValidateNodeName"/>.</summary>
    public string NodeName { get; set; } = "";

    /// <summary>This node's address (<c>--advertise-addr</c>); see <see cref="AdvertiseAddress.Validate"/>.</summary>
    public string AdvertiseAddress { get; set; } = "";

    /// <summary>
    /// The TTL of the membership lease (default 15 s, whole seconds, 2 s to 1 h): a node that stops without revoking it
    /// (killed, cut off) is seen gone this long after its last renewal. It is renewed every third of it.
    /// </summary>
    public TimeSpan LeaseTtl { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Pause before a failed renewal or a failed membership watch is tried again (default 500 ms).</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Throws InvalidParameter naming the first option that is wrong.</summary>
    public void Validate()
    {
        ClusterKeys.ValidateNodeName(NodeName);
        Cluster.AdvertiseAddress.Validate(AdvertiseAddress);
        if (LeaseTtl < TimeSpan.FromSeconds(2) || LeaseTtl > TimeSpan.FromHours(1) || LeaseTtl.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            throw Errors.CnmException.InvalidParameter($"cluster lease TTL {LeaseTtl} is out of range: it must be whole seconds from 2 s to 1 h");
        }

        if (RetryDelay <= TimeSpan.Zero || RetryDelay > TimeSpan.FromMinutes(1))
        {
            throw Errors.CnmException.InvalidParameter($"cluster retry delay {RetryDelay} is out of range: it must be more than 0 and at most 1 min");
        }
    }
}
