using System.Collections.ObjectModel;

namespace Cnm.Core.Ipam.Default;

/// <summary>
/// Options of the built-in default IPAM: the predefined pools it hands out when a network asks for
/// none. The first pool of the right family that overlaps no reserved pool of the space wins
/// (first-fit, docs/decisions.md "default IPAM pools"). Validated when the IPAM is created.
/// </summary>
public sealed class DefaultIpamOptions
{
    /// <summary>
    /// The reference's local pools, in its order (docs/reference-host.md §5.2): 172.17–172.31 as /16s, then
    /// 192.168.0.0/16 as /20s; 31 pools.
    /// </summary>
    public static IReadOnlyList<DefaultAddressPool> ReferenceLocalPools { get; } = new ReadOnlyCollection<DefaultAddressPool>(
    [
        new("172.17.0.0/16", 16),
        new("172.18.0.0/16", 16),
        new("172.19.0.0/16", 16),
        new("172.20.0.0/14", 16),
        new("172.24.0.0/14", 16),
        new("172.28.0.0/14", 16),
        new("192.168.0.0/16", 20),
    ]);

    /// <summary>The reference's global pools: 10.0.0.0/8 as /24s (65,536 pools, never materialised).</summary>
    public static IReadOnlyList<DefaultAddressPool> ReferenceGlobalPools { get; } = new ReadOnlyCollection<DefaultAddressPool>(
    [
        new("10.0.0.0/8", 24),
    ]);

    /// <summary>
    /// Predefined pools of <see cref="BuiltInIpams.LocalDefaultSpace"/>, in order of preference. Setting
    /// the list replaces the defaults; an empty list leaves only explicit pools. IPv6 entries make
    /// automatic IPv6 pools possible (the reference has none).
    /// </summary>
    public IReadOnlyList<DefaultAddressPool> LocalPools { get; set; } = ReferenceLocalPools;

    /// <summary>Predefined pools of <see cref="BuiltInIpams.GlobalDefaultSpace"/>, in order of preference.</summary>
    public IReadOnlyList<DefaultAddressPool> GlobalPools { get; set; } = ReferenceGlobalPools;
}
