using Cnm.Core.Net;

namespace Cnm.Linux.Netlink;

/// <summary>An interface address as an RTM_GETADDR dump reports it.</summary>
/// <param name="InterfaceIndex">The interface it is on.</param>
/// <param name="Prefix">The address and its prefix length.</param>
public sealed record NetlinkAddress(int InterfaceIndex, IpPrefix Prefix);
