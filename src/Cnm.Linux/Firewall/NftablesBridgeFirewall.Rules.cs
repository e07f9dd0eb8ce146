using System.Net;
using System.Net.Sockets;

namespace Cnm.Linux.Firewall;

/// <summary>The rules of the table and of one network.</summary>
public sealed partial class NftablesBridgeFirewall
{
    private const string FilterPrefix = "net-";
    private const string NatPrefix = "nat-";
    private const string PortsPrefix = "dnat-";

    private static readonly IPAddress Loopback6 = IPAddress.IPv6Loopback;

    private static string[] NetworkChains(string networkId) => [FilterPrefix + networkId, NatPrefix + networkId, PortsPrefix + networkId];

    /// <summary>
    /// The table and its base chains (add is idempotent), and the one rule of the table: replies of connections
    /// that were let through are let through. Priorities are the standard ones (filter 0, dstnat -100, srcnat 100).
    /// </summary>
    private static void EnsureBase(NftBatch batch, NftRuleset current)
    {
        batch.AddTable();
        batch.AddBaseChain(Forward, "filter", "forward", 0);
        batch.AddBaseChain(Prerouting, "nat", "prerouting", -100);
        batch.AddBaseChain(Output, "nat", "output", -100);
        batch.AddBaseChain(Postrouting, "nat", "postrouting", 100);
        if (!current.Rules.Any(r => r.Chain == Forward && r.Comment == RuleTag.Base))
        {
            batch.AddRule(Forward, RuleTag.Base, NftExpr.CtStateEstablished, NftExpr.Accept);
        }
    }

    /// <summary>Deletes the jump rules of a network from the base chains (its own chains are flushed or deleted by the caller).</summary>
    private static void DeleteJumps(NftBatch batch, NftRuleset current, string networkId)
    {
        foreach (var rule in current.Rules.Where(r => RuleTag.Get(r.Comment, "net") == networkId))
        {
            batch.DeleteRule(rule.Chain, rule.Handle);
        }
    }

    /// <summary>
    /// A network's chains and the jumps to them. <c>net-ID</c> (forward, for packets in or out of the bridge):
    /// DNAT'd connections (published ports) in; the bridge to itself per <c>enable_icc</c>; nothing else in from any
    /// other interface, which is what isolates our bridge networks from each other; for an internal network nothing
    /// out either. <c>nat-ID</c> (postrouting, by source subnet): masquerade out of other interfaces, and hairpin (a
    /// DNAT'd connection from the same bridge is masqueraded so that the reply comes back through the host).
    /// <c>dnat-ID</c> (prerouting and output, for local destinations) holds the endpoints' published ports and keeps
    /// them when the network is applied again.
    /// </summary>
    private static void AddNetwork(NftBatch batch, BridgeNetworkRules rules)
    {
        var id = rules.NetworkId;
        var bridge = rules.BridgeName;
        var tag = RuleTag.Network(id, bridge, rules.HostBindingIPv4);
        var filter = FilterPrefix + id;
        batch.AddChain(filter);
        batch.FlushChain(filter);
        if (!rules.Internal)
        {
            batch.AddRule(filter, null, NftExpr.OifName(bridge), NftExpr.CtStatusDnat, NftExpr.Accept);
        }

        batch.AddRule(filter, null, NftExpr.IifName(bridge), NftExpr.OifName(bridge), rules.InterContainerConnectivity ? NftExpr.Accept : NftExpr.Drop);
        batch.AddRule(filter, null, NftExpr.OifName(bridge), NftExpr.Drop);
        if (rules.Internal)
        {
            batch.AddRule(filter, null, NftExpr.IifName(bridge), NftExpr.Drop);
        }

        batch.AddRule(Forward, tag, NftExpr.IifName(bridge), NftExpr.Jump(filter));
        batch.AddRule(Forward, tag, NftExpr.OifName(bridge), NftExpr.Jump(filter));

        var nat = NatPrefix + id;
        batch.AddChain(nat);
        batch.FlushChain(nat);
        if (!rules.Internal)
        {
            if (rules.Masquerade)
            {
                // IPv4 only: the reference masquerades no IPv6 subnet (docs/firewall.md).
                batch.AddRule(nat, null, NftExpr.NfProto(AddressFamily.InterNetwork), NftExpr.OifName(bridge, equal: false), NftExpr.Masquerade);
            }

            batch.AddRule(nat, null, NftExpr.OifName(bridge), NftExpr.CtStatusDnat, NftExpr.Masquerade);
            foreach (var subnet in rules.Subnets)
            {
                batch.AddRule(Postrouting, tag, NftExpr.Source(subnet), NftExpr.Jump(nat));
            }
        }

        var ports = PortsPrefix + id;
        batch.AddChain(ports);
        batch.AddRule(Prerouting, tag, NftExpr.FibDaddrLocal, NftExpr.Jump(ports));

        // From the host itself, loopback destinations are left alone: DNAT of 127.0.0.1 would need route_localnet.
        batch.AddRule(Output, tag, NftExpr.FibDaddrLocal, NftExpr.DestinationNot(new Cnm.Core.Net.IpPrefix(IPAddress.Loopback, 8)), NftExpr.Jump(ports));
        batch.AddRule(Output, tag, NftExpr.FibDaddrLocal, NftExpr.Address(Loopback6, "daddr", equal: false), NftExpr.Jump(ports));
    }
}
