namespace Cnm.Linux.Netlink;

/// <summary>Netlink and rtnetlink numbers (linux/netlink.h, linux/rtnetlink.h, linux/if_link.h, linux/if_addr.h).</summary>
internal static class Nl
{
    public const int HeaderSize = 16;

    // nlmsg types: NLMSG_ERROR and NLMSG_DONE, then RTM_NEW*, RTM_DEL*, RTM_GET* (and RTM_SETLINK) of each object
    public const ushort Error = 2, Done = 3;
    public const ushort NewLink = 16, DelLink = 17, GetLink = 18, SetLink = 19;
    public const ushort NewAddr = 20, DelAddr = 21, GetAddr = 22;
    public const ushort NewRoute = 24, DelRoute = 25, GetRoute = 26;

    // nlmsg flags: NLM_F_* of every request, of a new-object request, of a get request
    public const ushort Request = 0x1, Multi = 0x2, Ack = 0x4;
    public const ushort Replace = 0x100, Excl = 0x200, Create = 0x400;
    public const ushort Dump = 0x300;

    // an error answer with extended ack: NLM_F_ACK_TLVS, then the NLMSGERR_ATTR_MSG attribute that carries the text
    public const ushort AckTlvs = 0x200, ErrAttrMsg = 1;

    // address families
    public const byte AfUnspec = 0, AfInet = 2, AfInet6 = 10;

    // IFLA_*, and IFF_UP of ifi_flags
    public const ushort IflaAddress = 1, IflaIfname = 3, IflaMtu = 4, IflaLink = 5, IflaMaster = 10;
    public const ushort IflaOperstate = 16, IflaLinkinfo = 18, IflaIfalias = 20, IflaNetNsFd = 28;
    public const uint IffUp = 0x1;

    // IFLA_INFO_* inside IFLA_LINKINFO, then the attributes of each kind's data: veth, macvlan, vxlan
    public const ushort InfoKind = 1, InfoData = 2;
    public const ushort VethInfoPeer = 1;
    public const ushort MacvlanMode = 1;
    public const ushort VxlanId = 1, VxlanGroup = 2, VxlanLink = 3, VxlanLocal = 4, VxlanLearning = 7;
    public const ushort VxlanPort = 15, VxlanGroup6 = 16, VxlanLocal6 = 17;

    // IFA_*, and IFA_F_NODAD of its flags
    public const ushort IfaAddress = 1, IfaLocal = 2, IfaFlags = 8;
    public const uint IfaFNodad = 0x02;

    // RTA_*, and a route's table (RT_TABLE_MAIN) and type (RTN_UNICAST)
    public const ushort RtaDst = 1, RtaOif = 4, RtaGateway = 5, RtaPriority = 6, RtaPrefsrc = 7, RtaTable = 15;
    public const byte RtTableMain = 254, RtnUnicast = 1;
}
