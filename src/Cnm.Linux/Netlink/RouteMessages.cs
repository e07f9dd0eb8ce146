using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Cnm.Core.Net;

namespace Cnm.Linux.Netlink;

/// <summary>Builds RTM_*ROUTE requests and parses RTM_NEWROUTE replies.</summary>
internal static class RouteMessages
{
    /// <summary>RTM_NEWROUTE (add, exclusive) or RTM_DELROUTE (delete) of <paramref name="route"/>.</summary>
    public static NetlinkWriter Change(bool add, NetlinkRoute route)
    {
        var flags = add ? (ushort)(Nl.Request | Nl.Ack | Nl.Create | Nl.Excl) : (ushort)(Nl.Request | Nl.Ack);
        var d = route.Destination;
        var w = new NetlinkWriter(add ? Nl.NewRoute : Nl.DelRoute, flags).Bytes(Header(
            d.IsV6 ? Nl.AfInet6 : Nl.AfInet, (byte)d.PrefixLength, route.Table, (byte)route.Protocol, (byte)route.Scope, (byte)route.Type));
        if (d.PrefixLength > 0)
        {
            w.Attr(Nl.RtaDst, d.Network.Address.GetAddressBytes());
        }

        if (route.Gateway is { } gateway)
        {
            w.Attr(Nl.RtaGateway, gateway.GetAddressBytes());
        }

        if (route.OutputInterfaceIndex > 0)
        {
            w.Attr(Nl.RtaOif, (uint)route.OutputInterfaceIndex);
        }

        if (route.Priority > 0)
        {
            w.Attr(Nl.RtaPriority, (uint)route.Priority);
        }

        if (route.Table > 255)
        {
            w.Attr(Nl.RtaTable, (uint)route.Table);
        }

        return w;
    }

    /// <summary>RTM_GETROUTE dump of one family.</summary>
    public static NetlinkWriter DumpAll(AddressFamily family) =>
        new NetlinkWriter(Nl.GetRoute, Nl.Request | Nl.Dump).Bytes(Header(AddressMessages.FamilyByte(family), 0, 0, 0, 0, 0));

    /// <summary>Parses an RTM_NEWROUTE payload (rtmsg + attributes); null for families other than IPv4 and IPv6.</summary>
    public static NetlinkRoute? Parse(ReadOnlyMemory<byte> payload)
    {
        var s = payload.Span;
        if (s[0] is not (Nl.AfInet or Nl.AfInet6))
        {
            return null;
        }

        var v6 = s[0] == Nl.AfInet6;
        var a = NetlinkAttributes.Parse(payload[12..]);
        var destination = a.Address(Nl.RtaDst) ?? (v6 ? IPAddress.IPv6Any : IPAddress.Any);
        return new NetlinkRoute(new IpPrefix(destination, s[1]))
        {
            Gateway = a.Address(Nl.RtaGateway),
            OutputInterfaceIndex = (int)(a.UInt32(Nl.RtaOif) ?? 0),
            Table = (int)(a.UInt32(Nl.RtaTable) ?? s[4]),
            Protocol = s[5],
            Scope = (RouteScope)s[6],
            Type = s[7],
            Priority = (int)(a.UInt32(Nl.RtaPriority) ?? 0),
        };
    }

    private static byte[] Header(byte family, byte destinationLength, int table, byte protocol, byte scope, byte type)
    {
        var h = new byte[12];
        h[0] = family;
        h[1] = destinationLength;
        h[4] = table > 255 ? (byte)252 : (byte)table; // RT_TABLE_COMPAT, with RTA_TABLE carrying the real id
        h[5] = protocol;
        h[6] = scope;
        h[7] = type;
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(8), 0); // rtm_flags
        return h;
    }
}
