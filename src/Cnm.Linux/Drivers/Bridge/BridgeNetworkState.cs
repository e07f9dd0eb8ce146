using Cnm.Core.Net;

namespace Cnm.Linux.Drivers.Bridge;

/// <summary>What the bridge driver keeps about one of its networks.</summary>
internal sealed record BridgeNetworkState(string Id, BridgeConfig Config, IReadOnlyList<IpPrefix> Gateways, IReadOnlyList<IpPrefix> Subnets)
{
    public System.Net.IPAddress? GatewayIPv4 => Gateways.Where(g => !g.IsV6).Select(g => g.Address).FirstOrDefault();

    public System.Net.IPAddress? GatewayIPv6 => Gateways.Where(g => g.IsV6).Select(g => g.Address).FirstOrDefault();
}
