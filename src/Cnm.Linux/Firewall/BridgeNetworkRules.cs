using System.Net;
using Cnm.Core.Net;

namespace Cnm.Linux.Firewall;

/// <summary>
/// What the firewall must enforce for one bridge network. The bridge driver builds it from the network's
/// options; <see cref="IBridgeFirewall"/> turns it into rules that belong to that network alone.
/// </summary>
/// <param name="NetworkId">The network's full id; its rules are tagged with it so that removal is exact.</param>
/// <param name="BridgeName">The Linux bridge of the network (for example <c>br-0123456789ab</c>).</param>
/// <param name="Subnets">The network's subnets, IPv4 and IPv6.</param>
/// <param name="Masquerade"><c>enable_ip_masquerade</c>, already false for an internal network.</param>
/// <param name="InterContainerConnectivity"><c>enable_icc</c>: whether endpoints of this network may reach each other.</param>
/// <param name="Internal">No route out: traffic between the bridge and any other interface is dropped.</param>
/// <param name="HostBindingIPv4"><c>host_binding_ipv4</c>: the default host address of published ports; null for all.</param>
public sealed record BridgeNetworkRules(
    string NetworkId,
    string BridgeName,
    IReadOnlyList<IpPrefix> Subnets,
    bool Masquerade,
    bool InterContainerConnectivity,
    bool Internal,
    IPAddress? HostBindingIPv4);
