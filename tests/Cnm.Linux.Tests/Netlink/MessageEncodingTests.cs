using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Cnm.Core.Net;
using Cnm.Linux.Netlink;

namespace Cnm.Linux.Tests.Netlink;

/// <summary>Encoding and decoding of netlink messages, byte by byte, with no kernel.</summary>
public sealed class MessageEncodingTests
{
    [Fact]
    public void Finish_HeaderFields_LengthTypeFlagsSequence()
    {
        var bytes = LinkMessages.Delete(7).Finish(42).ToArray();

        Assert.Equal(32, bytes.Length);
        Assert.Equal(32u, BinaryPrimitives.ReadUInt32LittleEndian(bytes));
        Assert.Equal(Nl.DelLink, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4)));
        Assert.Equal(Nl.Request | Nl.Ack, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(6)));
        Assert.Equal(42u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)));
        Assert.Equal(7, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(16 + 4)));
    }

    [Fact]
    public void Attr_StringPadded_LengthCountsNulButNotPadding()
    {
        var bytes = new NetlinkWriter(Nl.NewLink, 0).Attr(Nl.IflaIfname, "eth0").Finish(1).ToArray();

        // header 16 + attr header 4 + "eth0\0" 5 = 25, padded to 28
        Assert.Equal(28, bytes.Length);
        Assert.Equal(9, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(16)));
        Assert.Equal(Nl.IflaIfname, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(18)));
        Assert.Equal("eth0\0"u8.ToArray(), bytes[20..25]);
        Assert.Equal(new byte[3], bytes[25..28]);
    }

    [Fact]
    public void CreateVeth_PeerInNamespace_NestsLinkinfoDataPeerWithFd()
    {
        var payload = LinkMessages.CreateVeth("v0", "v1", peerNamespaceFd: 9).Finish(1)[16..];
        var top = NetlinkAttributes.Parse(payload[16..]);

        Assert.Equal("v0", top.String(Nl.IflaIfname));
        var info = top.Nested(Nl.IflaLinkinfo);
        Assert.Equal("veth", info.String(Nl.InfoKind));
        var peer = info.Nested(Nl.InfoData).Raw(Nl.VethInfoPeer)!.Value;
        var peerAttrs = NetlinkAttributes.Parse(peer[16..]); // the peer's own ifinfomsg comes first
        Assert.Equal("v1", peerAttrs.String(Nl.IflaIfname));
        Assert.Equal(9u, peerAttrs.UInt32(Nl.IflaNetNsFd));
    }

    [Fact]
    public void CreateVxlan_Port_IsBigEndian()
    {
        var payload = LinkMessages.CreateVxlan("vx0", new VxlanOptions(100) { Port = 4789, Local = IPAddress.Parse("10.0.0.1") }).Finish(1)[16..];
        var data = NetlinkAttributes.Parse(payload[16..]).Nested(Nl.IflaLinkinfo).Nested(Nl.InfoData);

        Assert.Equal(100u, data.UInt32(Nl.VxlanId));
        Assert.Equal(new byte[] { 0x12, 0xB5 }, data.Raw(Nl.VxlanPort)!.Value.ToArray());
        Assert.Equal(IPAddress.Parse("10.0.0.1"), data.Address(Nl.VxlanLocal));
    }

    [Fact]
    public void SetUp_Down_ChangeMaskHasUpButFlagsDoNot()
    {
        var bytes = LinkMessages.SetUp(3, up: false).Finish(1).ToArray();

        Assert.Equal(0u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(16 + 8)));
        Assert.Equal(Nl.IffUp, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(16 + 12)));
    }

    [Fact]
    public void AddressChange_V6NoDad_FamilyPrefixIndexAndFlags()
    {
        var prefix = new IpPrefix(IPAddress.Parse("2001:db8::5"), 64);
        var payload = AddressMessages.Change(add: true, 4, prefix, noDad: true).Finish(1)[16..].ToArray();

        Assert.Equal(Nl.AfInet6, payload[0]);
        Assert.Equal(64, payload[1]);
        Assert.Equal(4, BinaryPrimitives.ReadInt32LittleEndian(payload.AsSpan(4)));
        var attrs = NetlinkAttributes.Parse(payload.AsMemory(8));
        Assert.Equal(prefix.Address, attrs.Address(Nl.IfaLocal));
        Assert.Equal(Nl.IfaFNodad, attrs.UInt32(Nl.IfaFlags));
    }

    [Fact]
    public void AddressParse_RoundTrip_GivesIndexAndPrefix()
    {
        var prefix = new IpPrefix(IPAddress.Parse("172.30.0.2"), 24);
        var payload = AddressMessages.Change(add: true, 12, prefix).Finish(1)[16..];

        Assert.Equal(new NetlinkAddress(12, prefix), AddressMessages.Parse(payload));
    }

    [Fact]
    public void RouteChange_Default_NoDestinationAttributeAndGateway()
    {
        var route = NetlinkRoute.DefaultVia(IPAddress.Parse("172.30.0.1"), outputInterfaceIndex: 5);
        var payload = RouteMessages.Change(add: true, route).Finish(1)[16..];
        var parsed = RouteMessages.Parse(payload)!;

        Assert.False(NetlinkAttributes.Parse(payload[12..]).Has(Nl.RtaDst));
        Assert.True(parsed.IsDefault);
        Assert.Equal(IPAddress.Parse("172.30.0.1"), parsed.Gateway);
        Assert.Equal(5, parsed.OutputInterfaceIndex);
        Assert.Equal(254, parsed.Table);
        Assert.Equal(RouteScope.Universe, parsed.Scope);
    }

    [Fact]
    public void RouteChange_Connected_LinkScopeAndNetworkAddress()
    {
        var route = NetlinkRoute.Connected(new IpPrefix(IPAddress.Parse("10.9.8.7"), 16), 3);
        var parsed = RouteMessages.Parse(RouteMessages.Change(add: true, route).Finish(1)[16..])!;

        Assert.Equal(new IpPrefix(IPAddress.Parse("10.9.0.0"), 16), parsed.Destination);
        Assert.Equal(RouteScope.Link, parsed.Scope);
        Assert.Null(parsed.Gateway);
    }

    [Fact]
    public void Split_ErrorMessageWithExtAck_GivesErrnoAndText()
    {
        var w = new NetlinkWriter(Nl.Error, Nl.AckTlvs);
        Span<byte> errno = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(errno, -Errnos.EEXIST);
        w.Bytes(errno).Bytes(new byte[16]).Attr(Nl.ErrAttrMsg, "File exists");
        var datagram = w.Finish(9).ToArray().Concat(LinkMessages.Delete(1).Finish(10).ToArray()).ToArray();

        var messages = NetlinkMessage.Split(datagram);

        Assert.Equal(2, messages.Count);
        Assert.Equal((Errnos.EEXIST, "File exists"), messages[0].ReadError());
        Assert.Equal(9u, messages[0].Sequence);
    }

    [Fact]
    public void Parse_TruncatedAttribute_StopsWithoutThrowing()
    {
        var bytes = new byte[] { 8, 0, 3, 0, (byte)'a', 0, 0, 0, 200, 0, 4, 0 };

        var attrs = NetlinkAttributes.Parse(bytes);

        Assert.Equal("a", attrs.String(3));
        Assert.False(attrs.Has(4));
    }

    [Theory]
    [InlineData(Errnos.EEXIST, Cnm.Protocol.ErrorCategory.Conflict)]
    [InlineData(Errnos.EBUSY, Cnm.Protocol.ErrorCategory.Conflict)]
    [InlineData(Errnos.ENODEV, Cnm.Protocol.ErrorCategory.NotFound)]
    [InlineData(Errnos.ENOENT, Cnm.Protocol.ErrorCategory.NotFound)]
    [InlineData(Errnos.EINVAL, Cnm.Protocol.ErrorCategory.InvalidParameter)]
    [InlineData(Errnos.ERANGE, Cnm.Protocol.ErrorCategory.InvalidParameter)]
    [InlineData(Errnos.EADDRNOTAVAIL, Cnm.Protocol.ErrorCategory.InvalidParameter)]
    [InlineData(Errnos.EPERM, Cnm.Protocol.ErrorCategory.Forbidden)]
    [InlineData(Errnos.EACCES, Cnm.Protocol.ErrorCategory.Forbidden)]
    [InlineData(Errnos.EOPNOTSUPP, Cnm.Protocol.ErrorCategory.Internal)]
    public void NetlinkException_Errno_MapsToCategory(int errno, Cnm.Protocol.ErrorCategory category)
    {
        var ex = new NetlinkException("create veth a (peer b)", errno);

        Assert.Equal(category, ex.Category);
        Assert.Equal(errno, ex.Errno);
        Assert.StartsWith("create veth a (peer b): " + Errnos.Name(errno), ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("eth0", true)]
    [InlineData("abcdefghijklmno", true)]
    [InlineData("abcdefghijklmnop", false)]
    [InlineData("", false)]
    [InlineData("a/b", false)]
    [InlineData("a b", false)]
    [InlineData("..", false)]
    public void LinkNames_IsValid_FollowsKernelRule(string name, bool valid) => Assert.Equal(valid, LinkNames.IsValid(name));

    [Fact]
    public void GetAddresses_FamilyByte_Maps() =>
        Assert.Equal(new[] { Nl.AfInet, Nl.AfInet6, Nl.AfUnspec },
            new[] { AddressFamily.InterNetwork, AddressFamily.InterNetworkV6, AddressFamily.Unspecified }.Select(AddressMessages.FamilyByte));
}
