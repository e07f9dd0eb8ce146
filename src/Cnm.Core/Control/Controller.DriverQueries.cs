using Cnm.Core.Drivers;
using Cnm.Core.Ipam;

namespace Cnm.Core.Control;

public sealed partial class Controller
{
    /// <summary>The capability a registered network driver declared; null when no driver of that name is registered.</summary>
    public DriverCapability? GetNetworkDriverCapability(string name) =>
        _drivers.NetworkDrivers.FirstOrDefault(d => d.Name == name)?.Capability;

    /// <summary>
    /// The pools a registered IPAM driver holds and how full they are, when it can tell
    /// (<see cref="IIpamUsage"/>, as the default IPAM can); null for an unknown driver or one that cannot
    /// (a plugin's usage lives in the plugin).
    /// </summary>
    public IReadOnlyList<PoolUsage>? GetIpamUsage(string ipamDriver) =>
        _drivers.IpamDrivers.FirstOrDefault(d => d.Name == ipamDriver)?.Driver is IIpamUsage usage ? usage.Snapshot() : null;
}
