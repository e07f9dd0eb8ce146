using Cnm.Core.Ipam.Default;
using Cnm.Core.Ipam.Null;

namespace Cnm.Core.Ipam;

/// <summary>The IPAM drivers built into Cnm, as the reference registers them (docs/reference-host.md §5.1, 5.10).</summary>
public static class BuiltInIpams
{
    /// <summary>Name of the default IPAM.</summary>
    public const string Default = "default";

    /// <summary>Name of the null IPAM, which hands out no addresses.</summary>
    public const string Null = "null";

    /// <summary>The default IPAM's local default address space.</summary>
    public const string LocalDefaultSpace = "LocalDefault";

    /// <summary>The default IPAM's global default address space.</summary>
    public const string GlobalDefaultSpace = "GlobalDefault";

    /// <summary>The null IPAM's only address space (both its local and global default).</summary>
    public const string NullSpace = "null";

    /// <summary>Capabilities of the default IPAM: its state is in memory, so the controller replays allocations.</summary>
    public static IpamCapabilities DefaultCapabilities { get; } = new(RequiresMacAddress: false, RequiresRequestReplay: true);

    /// <summary>Capabilities of the null IPAM: none.</summary>
    public static IpamCapabilities NullCapabilities { get; } = new();

    /// <summary>
    /// Creates a default IPAM. The result also implements <see cref="IIpamUsage"/>.
    /// </summary>
    /// <param name="options">Predefined pools; null for the reference's defaults.</param>
    /// <exception cref="ArgumentException">The options name an invalid pool.</exception>
    public static IIpamDriver CreateDefault(DefaultIpamOptions? options = null) => new DefaultIpam(options);

    /// <summary>Creates a null IPAM.</summary>
    public static IIpamDriver CreateNull() => new NullIpam();
}
