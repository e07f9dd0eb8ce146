using System.Net.NetworkInformation;
using Cnm.Core.Net;

namespace Cnm.Core.Drivers;

/// <summary>
/// The single interface of an endpoint, as the driver sees it in CreateEndpoint. Each field may be set
/// only while it is empty; setting a field that is already set throws a Forbidden error.
/// </summary>
public interface IEndpointInterface
{
    /// <summary>The IPv4 address with prefix length, if set.</summary>
    IpPrefix? Address { get; }

    /// <summary>The IPv6 address with prefix length, if set.</summary>
    IpPrefix? AddressIPv6 { get; }

    /// <summary>The MAC address, if set.</summary>
    PhysicalAddress? MacAddress { get; }

    /// <summary>Sets the address of the address's family; Forbidden if that one is already set.</summary>
    void SetAddress(IpPrefix address);

    /// <summary>Sets the MAC; Forbidden if it is already set.</summary>
    void SetMacAddress(PhysicalAddress mac);
}
