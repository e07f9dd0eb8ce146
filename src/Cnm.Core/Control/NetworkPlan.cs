using System.Net;
using Cnm.Core.Errors;
using Cnm.Core.Model;
using Cnm.Core.Net;

namespace Cnm.Core.Control;

/// <summary>
/// A network's pool configuration, parsed and checked before anything is allocated, so bad input
/// fails with a clear error and changes nothing.
/// </summary>
internal sealed record NetworkPlan(IReadOnlyList<PoolPlan> IPv4, IReadOnlyList<PoolPlan> IPv6)
{
    public static NetworkPlan Parse(NetworkCreateOptions options)
    {
        if (!options.EnableIPv6 && options.IPv6.Count > 0)
        {
            throw CnmException.InvalidParameter(
                $"network {options.Name}: IPv6 pools were given but IPv6 is not enabled");
        }

        var v4 = options.IPv4.Count == 0 ? [PoolPlan.Any] : options.IPv4.Select(c => PoolPlan.Parse(options.Name, c, v6: false)).ToList();
        var v6 = !options.EnableIPv6 ? [] : options.IPv6.Count == 0 ? [PoolPlan.Any] : options.IPv6.Select(c => PoolPlan.Parse(options.Name, c, v6: true)).ToList();
        CheckDisjoint(options.Name, v4);
        CheckDisjoint(options.Name, v6);
        return new NetworkPlan(v4, v6);
    }

    private static void CheckDisjoint(string network, IReadOnlyList<PoolPlan> plans)
    {
        var subnets = plans.Where(p => p.Subnet is not null).Select(p => p.Subnet!.Value).ToList();
        for (var i = 0; i < subnets.Count; i++)
        {
            for (var j = i + 1; j < subnets.Count; j++)
            {
                if (subnets[i].Overlaps(subnets[j]))
                {
                    throw CnmException.InvalidParameter($"network {network}: subnets {subnets[i]} and {subnets[j]} overlap");
                }
            }
        }
    }
}

/// <summary>One checked pool configuration.</summary>
internal sealed record PoolPlan(IpPrefix? Subnet, IpPrefix? IpRange, IPAddress? Gateway, IReadOnlyList<KeyValuePair<string, IPAddress>> Aux)
{
    public static readonly PoolPlan Any = new(null, null, null, []);

    public static PoolPlan Parse(string network, IpamConfig config, bool v6)
    {
        var family = v6 ? "IPv6" : "IPv4";
        IpPrefix? subnet = null;
        if (config.Subnet is not null)
        {
            if (!IpPrefix.TryParse(config.Subnet, out var parsed))
            {
                throw CnmException.InvalidParameter($"network {network}: invalid subnet \"{config.Subnet}\": expected a CIDR such as 172.20.0.0/16");
            }

            if (parsed.IsV6 != v6)
            {
                throw CnmException.InvalidParameter($"network {network}: subnet {config.Subnet} is not an {family} subnet");
            }

            subnet = parsed.Network;
        }

        IpPrefix? range = null;
        if (config.IpRange is not null)
        {
            if (subnet is null)
            {
                throw CnmException.InvalidParameter($"network {network}: ip-range {config.IpRange} needs a subnet");
            }

            if (!IpPrefix.TryParse(config.IpRange, out var parsed))
            {
                throw CnmException.InvalidParameter($"network {network}: invalid ip-range \"{config.IpRange}\": expected a CIDR");
            }

            if (parsed.IsV6 != v6 || parsed.PrefixLength < subnet.Value.PrefixLength || !subnet.Value.Contains(parsed.Address))
            {
                throw CnmException.InvalidParameter($"network {network}: ip-range {config.IpRange} is not inside subnet {subnet}");
            }

            range = parsed.Network;
        }

        var gateway = config.Gateway is null ? null : ParseInSubnet(network, "gateway", config.Gateway, subnet, v6);
        var aux = new List<KeyValuePair<string, IPAddress>>();
        foreach (var (name, value) in config.AuxAddresses ?? new Dictionary<string, string>())
        {
            aux.Add(new(name, ParseInSubnet(network, $"aux-address {name}", value, subnet, v6)));
        }

        return new PoolPlan(subnet, range, gateway, aux);
    }

    private static IPAddress ParseInSubnet(string network, string what, string value, IpPrefix? subnet, bool v6)
    {
        if (subnet is null)
        {
            throw CnmException.InvalidParameter($"network {network}: {what} {value} needs a subnet");
        }

        if (!IPAddress.TryParse(value, out var address) || value.Contains('/', StringComparison.Ordinal)
            || (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6) != v6)
        {
            throw CnmException.InvalidParameter($"network {network}: invalid {what} \"{value}\": expected an {(v6 ? "IPv6" : "IPv4")} address");
        }

        if (!subnet.Value.Contains(address))
        {
            throw CnmException.InvalidParameter($"network {network}: {what} {value} is not inside subnet {subnet}");
        }

        return address;
    }
}
