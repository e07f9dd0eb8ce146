using System.Net.Sockets;
using Cnm.Core.Net;

namespace Cnm.Linux.Netlink;

public sealed partial class NetlinkClient
{
    /// <summary>Adds an address to a link; <paramref name="noDad"/> skips IPv6 duplicate address detection.</summary>
    public void AddAddress(int index, IpPrefix prefix, bool noDad = false) =>
        _socket.Execute(AddressMessages.Change(add: true, index, prefix, noDad), $"add address {prefix} to link {index}");

    /// <summary>Removes an address from a link.</summary>
    public void DeleteAddress(int index, IpPrefix prefix) =>
        _socket.Execute(AddressMessages.Change(add: false, index, prefix), $"delete address {prefix} from link {index}");

    /// <summary>The addresses of the namespace (an RTM_GETADDR dump), optionally of one family and one link.</summary>
    public IReadOnlyList<NetlinkAddress> GetAddresses(AddressFamily family = AddressFamily.Unspecified, int index = 0) =>
        [.. _socket.Dump(AddressMessages.DumpAll(family), "list addresses")
            .Where(m => m.Type == Nl.NewAddr)
            .Select(m => AddressMessages.Parse(m.Payload))
            .OfType<NetlinkAddress>()
            .Where(a => index == 0 || a.InterfaceIndex == index)];
}
