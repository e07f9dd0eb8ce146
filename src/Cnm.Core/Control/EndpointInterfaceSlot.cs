using System.Net.NetworkInformation;
using Cnm.Core.Drivers;
using Cnm.Core.Errors;
using Cnm.Core.Net;

namespace Cnm.Core.Control;

/// <summary>The interface handed to CreateEndpoint: a field may be set only while empty.</summary>
internal sealed class EndpointInterfaceSlot(IpPrefix? address, IpPrefix? addressIPv6, PhysicalAddress? mac) : IEndpointInterface
{
    public IpPrefix? Address { get; private set; } = address;

    public IpPrefix? AddressIPv6 { get; private set; } = addressIPv6;

    public PhysicalAddress? MacAddress { get; private set; } = mac;

    public void SetAddress(IpPrefix address)
    {
        // The family comes from the address itself, as in the reference's setter.
        var current = address.IsV6 ? AddressIPv6 : Address;
        if (current is not null)
        {
            throw CnmException.Forbidden(
                $"endpoint interface {(address.IsV6 ? "IPv6" : "IPv4")} address is already set to {current}; the driver may not change it to {address}");
        }

        if (address.IsV6)
        {
            AddressIPv6 = address;
        }
        else
        {
            Address = address;
        }
    }

    public void SetMacAddress(PhysicalAddress mac)
    {
        ArgumentNullException.ThrowIfNull(mac);
        if (MacAddress is not null)
        {
            throw CnmException.Forbidden(
                $"endpoint interface MAC address is already set to {Format(MacAddress)}; the driver may not change it to {Format(mac)}");
        }

        MacAddress = mac;
    }

    public static string Format(PhysicalAddress mac) =>
        string.Join(':', mac.GetAddressBytes().Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
}
