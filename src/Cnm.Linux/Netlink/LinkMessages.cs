using System.Buffers.Binary;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Cnm.Linux.Netlink;

/// <summary>Builds RTM_*LINK requests and parses RTM_NEWLINK replies. No kernel needed: unit-testable.</summary>
internal static class LinkMessages
{
    private const ushort CreateFlags = Nl.Request | Nl.Ack | Nl.Create | Nl.Excl;

    /// <summary>RTM_NEWLINK for a new link of <paramref name="kind"/>; <paramref name="data"/> fills IFLA_INFO_DATA.</summary>
    public static NetlinkWriter Create(string name, string kind, Action<NetlinkWriter>? data = null, Action<NetlinkWriter>? extra = null)
    {
        var w = new NetlinkWriter(Nl.NewLink, CreateFlags).IfInfo().Attr(Nl.IflaIfname, name);
        extra?.Invoke(w);
        var info = w.Begin(Nl.IflaLinkinfo);
        w.Attr(Nl.InfoKind, kind);
        if (data is not null)
        {
            var d = w.Begin(Nl.InfoData);
            data(w);
            w.End(d);
        }

        return w.End(info);
    }

    /// <summary>A veth pair; the peer goes into the namespace open as <paramref name="peerNamespaceFd"/> when it is not negative.</summary>
    public static NetlinkWriter CreateVeth(string name, string peerName, int peerNamespaceFd = -1) =>
        Create(name, "veth", w =>
        {
            var peer = w.Begin(Nl.VethInfoPeer);
            w.IfInfo().Attr(Nl.IflaIfname, peerName);
            if (peerNamespaceFd >= 0)
            {
                w.Attr(Nl.IflaNetNsFd, (uint)peerNamespaceFd);
            }

            w.End(peer);
        });

    /// <summary>A macvlan on <paramref name="parentIndex"/>.</summary>
    public static NetlinkWriter CreateMacvlan(string name, int parentIndex, MacvlanMode mode) =>
        Create(name, "macvlan", w => w.Attr(Nl.MacvlanMode, (uint)mode), w => w.Attr(Nl.IflaLink, (uint)parentIndex));

    /// <summary>A vxlan link.</summary>
    public static NetlinkWriter CreateVxlan(string name, VxlanOptions options) =>
        Create(name, "vxlan", w =>
        {
            w.Attr(Nl.VxlanId, options.Vni);
            w.AttrBigEndian16(Nl.VxlanPort, options.Port);
            w.AttrByte(Nl.VxlanLearning, options.Learning ? (byte)1 : (byte)0);
            if (options.ParentIndex > 0)
            {
                w.Attr(Nl.VxlanLink, (uint)options.ParentIndex);
            }

            if (options.Local is { } local)
            {
                w.Attr(local.AddressFamily == AddressFamily.InterNetworkV6 ? Nl.VxlanLocal6 : Nl.VxlanLocal, local.GetAddressBytes());
            }

            if (options.Group is { } group)
            {
                w.Attr(group.AddressFamily == AddressFamily.InterNetworkV6 ? Nl.VxlanGroup6 : Nl.VxlanGroup, group.GetAddressBytes());
            }
        });

    /// <summary>RTM_DELLINK by index.</summary>
    public static NetlinkWriter Delete(int index) => new NetlinkWriter(Nl.DelLink, Nl.Request | Nl.Ack).IfInfo(index: index);

    /// <summary>RTM_NEWLINK on an existing link: changes attributes written by <paramref name="attributes"/>.</summary>
    public static NetlinkWriter Set(int index, Action<NetlinkWriter> attributes, uint flags = 0, uint change = 0)
    {
        var w = new NetlinkWriter(Nl.NewLink, Nl.Request | Nl.Ack).IfInfo(index: index, flags: flags, change: change);
        attributes(w);
        return w;
    }

    /// <summary>Brings a link up or down (IFF_UP in ifi_flags, masked by ifi_change).</summary>
    public static NetlinkWriter SetUp(int index, bool up) => Set(index, _ => { }, up ? Nl.IffUp : 0, Nl.IffUp);

    /// <summary>RTM_GETLINK: a dump of all links.</summary>
    public static NetlinkWriter DumpAll() => new NetlinkWriter(Nl.GetLink, Nl.Request | Nl.Dump).IfInfo();

    /// <summary>RTM_GETLINK for one link by name.</summary>
    public static NetlinkWriter GetByName(string name) =>
        new NetlinkWriter(Nl.GetLink, Nl.Request).IfInfo().Attr(Nl.IflaIfname, name);

    /// <summary>RTM_GETLINK for one link by index.</summary>
    public static NetlinkWriter GetByIndex(int index) => new NetlinkWriter(Nl.GetLink, Nl.Request).IfInfo(index: index);

    /// <summary>Parses an RTM_NEWLINK payload (ifinfomsg + attributes).</summary>
    public static NetlinkLink Parse(ReadOnlyMemory<byte> payload)
    {
        var span = payload.Span;
        var index = BinaryPrimitives.ReadInt32LittleEndian(span[4..]);
        var flags = BinaryPrimitives.ReadUInt32LittleEndian(span[8..]);
        var a = NetlinkAttributes.Parse(payload[16..]);
        var mac = a.Raw(Nl.IflaAddress) is { Length: 6 } raw ? new PhysicalAddress(raw.ToArray()) : null;
        return new NetlinkLink(index, a.String(Nl.IflaIfname) ?? "")
        {
            Kind = a.Nested(Nl.IflaLinkinfo).String(Nl.InfoKind),
            MacAddress = mac,
            Mtu = (int)(a.UInt32(Nl.IflaMtu) ?? 0),
            Flags = flags,
            MasterIndex = (int)(a.UInt32(Nl.IflaMaster) ?? 0),
            LinkIndex = (int)(a.UInt32(Nl.IflaLink) ?? 0),
            Alias = a.String(Nl.IflaIfalias),
        };
    }
}
