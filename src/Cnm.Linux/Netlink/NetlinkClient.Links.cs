using System.Net.NetworkInformation;
using System.Runtime.InteropServices;
using Cnm.Core.Errors;

namespace Cnm.Linux.Netlink;

public sealed partial class NetlinkClient
{
    /// <summary>All links of the namespace (an RTM_GETLINK dump).</summary>
    public IReadOnlyList<NetlinkLink> GetLinks() =>
        [.. _socket.Dump(LinkMessages.DumpAll(), "list links").Where(m => m.Type == Nl.NewLink).Select(m => LinkMessages.Parse(m.Payload))];

    /// <summary>The link named <paramref name="name"/>, or null when there is none.</summary>
    public NetlinkLink? FindLink(string name)
    {
        LinkNames.Validate(name, "interface");
        try
        {
            return _socket.Dump(LinkMessages.GetByName(name), $"get link {name}").Select(m => LinkMessages.Parse(m.Payload)).FirstOrDefault();
        }
        catch (NetlinkException ex) when (ex.Errno is Errnos.ENODEV or Errnos.ENOENT)
        {
            return null;
        }
    }

    /// <summary>The link with index <paramref name="index"/>, or null.</summary>
    public NetlinkLink? FindLink(int index)
    {
        try
        {
            return _socket.Dump(LinkMessages.GetByIndex(index), $"get link {index}").Select(m => LinkMessages.Parse(m.Payload)).FirstOrDefault();
        }
        catch (NetlinkException ex) when (ex.Errno is Errnos.ENODEV or Errnos.ENOENT)
        {
            return null;
        }
    }

    /// <summary>The link named <paramref name="name"/>; NotFound when there is none.</summary>
    public NetlinkLink GetLink(string name) =>
        FindLink(name) ?? throw new NetlinkException($"get link {name}", Errnos.ENODEV);

    /// <summary>Creates a veth pair; with <paramref name="peerNamespace"/> (an open namespace file) the peer is created directly in that namespace.</summary>
    public void CreateVeth(string name, string peerName, SafeHandle? peerNamespace = null)
    {
        LinkNames.Validate(name, "veth name");
        LinkNames.Validate(peerName, "veth peer name");
        var fd = peerNamespace is null ? -1 : (int)peerNamespace.DangerousGetHandle();
        _socket.Execute(LinkMessages.CreateVeth(name, peerName, fd), $"create veth {name} (peer {peerName})");
        GC.KeepAlive(peerNamespace);
    }

    /// <summary>Creates a bridge.</summary>
    public void CreateBridge(string name)
    {
        LinkNames.Validate(name, "bridge name");
        _socket.Execute(LinkMessages.Create(name, "bridge"), $"create bridge {name}");
    }

    /// <summary>Creates a macvlan on the link <paramref name="parentIndex"/>.</summary>
    public void CreateMacvlan(string name, int parentIndex, MacvlanMode mode = MacvlanMode.Bridge)
    {
        LinkNames.Validate(name, "macvlan name");
        _socket.Execute(LinkMessages.CreateMacvlan(name, parentIndex, mode), $"create macvlan {name} on link {parentIndex} (mode {mode})");
    }

    /// <summary>Creates a vxlan link.</summary>
    public void CreateVxlan(string name, VxlanOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        LinkNames.Validate(name, "vxlan name");
        if (options.Vni > 0xFFFFFF)
        {
            throw CnmException.InvalidParameter($"vxlan {name}: VNI {options.Vni} does not fit in 24 bits");
        }

        _socket.Execute(LinkMessages.CreateVxlan(name, options), $"create vxlan {name} (vni {options.Vni})");
    }

    /// <summary>Deletes a link (for a veth, both ends).</summary>
    public void DeleteLink(int index) => _socket.Execute(LinkMessages.Delete(index), $"delete link {index}");

    /// <summary>Deletes the link named <paramref name="name"/>.</summary>
    public void DeleteLink(string name) => _socket.Execute(LinkMessages.Delete(GetLink(name).Index), $"delete link {name}");

    /// <summary>Renames a link (it must be down).</summary>
    public void RenameLink(int index, string newName)
    {
        LinkNames.Validate(newName, "new interface name");
        _socket.Execute(LinkMessages.Set(index, w => w.Attr(Nl.IflaIfname, newName)), $"rename link {index} to {newName}");
    }

    /// <summary>Sets the hardware address; the kernel refuses multicast and all-zero ones (EADDRNOTAVAIL).</summary>
    public void SetMacAddress(int index, PhysicalAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        _socket.Execute(LinkMessages.Set(index, w => w.Attr(Nl.IflaAddress, address.GetAddressBytes())), $"set MAC address {address} on link {index}");
    }

    /// <summary>Sets the MTU.</summary>
    public void SetMtu(int index, int mtu) =>
        _socket.Execute(LinkMessages.Set(index, w => w.Attr(Nl.IflaMtu, (uint)mtu)), $"set MTU {mtu} on link {index}");

    /// <summary>Brings a link up or down.</summary>
    public void SetUp(int index, bool up = true) => _socket.Execute(LinkMessages.SetUp(index, up), $"set link {index} {(up ? "up" : "down")}");

    /// <summary>Enslaves a link to a master (bridge); 0 frees it.</summary>
    public void SetMaster(int index, int masterIndex) =>
        _socket.Execute(LinkMessages.Set(index, w => w.Attr(Nl.IflaMaster, (uint)masterIndex)),
            masterIndex == 0 ? $"free link {index} from its master" : $"set master of link {index} to {masterIndex}");

    /// <summary>Sets the interface alias (IFLA_IFALIAS), a free text the kernel keeps with the link; empty removes it.</summary>
    public void SetAlias(int index, string alias)
    {
        ArgumentNullException.ThrowIfNull(alias);
        _socket.Execute(LinkMessages.Set(index, w => _ = alias.Length == 0 ? w.Attr(Nl.IflaIfalias, ReadOnlySpan<byte>.Empty) : w.Attr(Nl.IflaIfalias, alias)),
            $"set alias of link {index}");
    }

    /// <summary>Moves a link into the namespace open as <paramref name="targetNamespace"/> (a namespace file handle).</summary>
    public void MoveToNamespace(int index, SafeHandle targetNamespace)
    {
        ArgumentNullException.ThrowIfNull(targetNamespace);
        var fd = (uint)targetNamespace.DangerousGetHandle();
        _socket.Execute(LinkMessages.Set(index, w => w.Attr(Nl.IflaNetNsFd, fd)), $"move link {index} to another namespace");
        GC.KeepAlive(targetNamespace);
    }

    /// <summary>
    /// Moves a link to the namespace open as <paramref name="targetNamespace"/> and names it <paramref name="newName"/>
    /// there, in one request (as <c>ip link set X netns N name Y</c>): the kernel closes the link for the move, so it
    /// need not be set down first, and the name is checked against the target namespace's links.
    /// </summary>
    public void MoveToNamespace(int index, SafeHandle targetNamespace, string newName)
    {
        ArgumentNullException.ThrowIfNull(targetNamespace);
        LinkNames.Validate(newName, "new interface name");
        var fd = (uint)targetNamespace.DangerousGetHandle();
        _socket.Execute(LinkMessages.Set(index, w => w.Attr(Nl.IflaNetNsFd, fd).Attr(Nl.IflaIfname, newName)),
            $"move link {index} to another namespace as {newName}");
        GC.KeepAlive(targetNamespace);
    }
}
