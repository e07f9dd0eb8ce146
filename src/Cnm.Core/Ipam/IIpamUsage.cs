namespace Cnm.Core.Ipam;

/// <summary>
/// An IPAM that can tell which pools it holds and how full they are. The daemon shows this as
/// "IPAM pools and usage"; tests compare two snapshots to prove that nothing leaked.
/// </summary>
public interface IIpamUsage
{
    /// <summary>
    /// A copy of every pool id the IPAM holds (master pools, including those held only as the parent
    /// of sub-pools, and sub-pools), ordered by address space, family, address and sub-pool. Each
    /// address space is copied at one instant.
    /// </summary>
    IReadOnlyList<PoolUsage> Snapshot();
}
