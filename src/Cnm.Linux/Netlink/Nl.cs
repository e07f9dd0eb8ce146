namespace Cnm.Linux.Netlink;

/// <summary>Netlink and rtnetlink numbers (linux/netlink.h, linux/rtnetlink.h, linux/if_link.h, linux/if_addr.h).</summary>
internal static class Nl
{
    public const int HeaderSize = 16;

    // nlmsg types
    public const ushort Error = 2;
    public const ushort Done = 3;
    public const ushort NewLink = 16;
    public const ushort DelLink = 17;
    public const ushort GetLink = 18;
    public const ushort SetLink = 19;
    public const ushort NewAddr = 20;
    public const ushort DelAddr = 21;
    public const ushort GetAddr = 22;
    public const ushort NewRoute = 24;
    public const ushort DelRoute = 25;
    public const ushort GetRoute = 26;

    // nlmsg flags
    public const ushort Request = 0x1;
    public const ushort Multi = 0x2;
    public const ushort Ack = 0x4;
    public const ushort Dump = 0x300;
    public const ushort Replace = 0x100;
    public const ushort Excl = 0x200;
    public const ushort Create = 0x400;
    public const ushort AckTlvs = 0x200;
    public const ushort ErrAttrMsg = 1;

    // address families
    public const byte AfUnspec = 0;
    public const byte AfInet = 2;
    public const byte AfInet6 = 10;

    // IFLA_*
    public const ushort IflaAddress = 1;
    public const ushort IflaIfname = 3;
    public const ushort IflaMtu = 4;
    public const ushort IflaLink = 5;
    public const ushort IflaMaster = 10;
    public const ushort IflaOperstate = 16;
    public const ushort IflaLinkinfo = 18;
    public const ushort IflaIfalias = 20;
    public const ushort IflaNetNsFd = 28;
    public const ushort InfoKind = 1;
    public const ushort InfoData = 2;
    public const ushort VethInfoPeer = 1;
    public const ushort MacvlanMode = 1;
    public const ushort VxlanId = 1;
    public const ushort VxlanGroup = 2;
    public const ushort VxlanLink = 3;
    public const ushort VxlanLocal = 4;
    public const ushort VxlanLearning = 7;
    public const ushort VxlanPort = 15;
    public const ushort VxlanGroup6 = 16;
    public const ushort VxlanLocal6 = 17;
    public const uint IffUp = 0x1;

    // IFA_*
    public const ushort IfaAddress = 1;
    public const ushort IfaLocal = 2;
    public const ushort IfaFlags = 8;
    public const uint IfaFNodad = 0x02;

    // RTA_*
    public const ushort RtaDst = 1;
    public const ushort RtaOif = 4;
    public const ushort RtaGateway = 5;
    public const ushort RtaPriority = 6;
    public const ushort RtaPrefsrc = 7;
    public const ushort RtaTable = 15;
    public const byte RtTableMain = 254;
    public const byte RtnUnicast = 1;
}
