using Cnm.Core.Ipam;

namespace Cnm.Core.Drivers;

/// <summary>
/// The callback the controller hands to each driver module. Built-in and remote drivers register through
/// it alike; a plugin may not replace a built-in driver.
/// </summary>
public interface IDriverRegistrar
{
    /// <summary>Registers (or, for a non-built-in name, re-registers) a network driver under <paramref name="name"/>.</summary>
    void RegisterNetworkDriver(string name, INetworkDriver driver, DriverCapability capability);

    /// <summary>
    /// Registers (or re-registers) an IPAM driver under <paramref name="name"/>, with its default address
    /// spaces (asked once at registration, as the reference does).
    /// </summary>
    void RegisterIpamDriver(string name, IIpamDriver driver, IpamCapabilities capabilities, AddressSpaces addressSpaces);
}
