using System.Buffers.Binary;
using System.Net.Sockets;
using Cnm.Core.Net;

namespace Cnm.Linux.Netlink;

/// <summary>Builds RTM_*ADDR requests and parses RTM_NEWADDR replies.</summary>
internal static class AddressMessages
{
    /// <summary>RTM_NEWADDR (add) or RTM_DELADDR (delete) of <paramref name="prefix"/> on <paramref name="index"/>.</summary>
    public static NetlinkWriter Change(bool add, int index, IpPrefix prefix, bool noDad = false)
    {
        var flags = add ? (ushort)(Nl.Request | Nl.Ack | Nl.Create | Nl.Excl) : (ushort)(Nl.Request | Nl.Ack);
        var w = new NetlinkWriter(add ? Nl.NewAddr : Nl.DelAddr, flags).Bytes(Header(prefix.IsV6 ? Nl.AfInet6 : Nl.AfInet, (byte)prefix.PrefixLength, index));
        var bytes = prefix.Address.GetAddressBytes();
        w.Attr(Nl.IfaLocal, bytes).Attr(Nl.IfaAddress, bytes);
        if (noDad)
        {
            w.Attr(Nl.IfaFlags, Nl.IfaFNodad);
        }

        return w;
    }

    /// <summary>RTM_GETADDR dump of one family (or all, with <see cref="AddressFamily.Unspecified"/>).</summary>
    public static NetlinkWriter DumpAll(AddressFamily family) =>
        new NetlinkWriter(Nl.GetAddr, Nl.Request | Nl.Dump).Bytes(Header(FamilyByte(family), 0, 0));

    /// <summary>Parses an RTM_NEWADDR payload (ifaddrmsg + attributes); IFA_LOCAL wins over IFA_ADDRESS (they differ on point-to-point links).</summary>
    public static NetlinkAddress? Parse(ReadOnlyMemory<byte> payload)
    {
        var span = payload.Span;
        var prefixLength = span[1];
        var index = BinaryPrimitives.ReadInt32LittleEndian(span[4..]);
        var a = NetlinkAttributes.Parse(payload[8..]);
        var address = a.Address(Nl.IfaLocal) ?? a.Address(Nl.IfaAddress);
        return address is null ? null : new NetlinkAddress(index, new IpPrefix(address, prefixLength));
    }

    /// <summary>Maps an address family to the netlink byte.</summary>
    public static byte FamilyByte(AddressFamily family) => family switch
    {
        AddressFamily.InterNetwork => Nl.AfInet,
        AddressFamily.InterNetworkV6 => Nl.AfInet6,
        _ => Nl.AfUnspec,
    };

    private static byte[] Header(byte family, byte prefixLength, int index)
    {
        var h = new byte[8];
        h[0] = family;
        h[1] = prefixLength;
        BinaryPrimitives.WriteInt32LittleEndian(h.AsSpan(4), index);
        return h;
    }
}
