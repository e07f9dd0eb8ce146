using Cnm.Core.Net;
using Cnm.Linux.Netlink;
using Cnm.Plugins.Sdk;
using Cnm.Protocol.Network;

namespace Cnm.Samples.BridgeNetwork;

/// <summary>
/// A network driver that does real work over netlink: a bridge per network, holding the network's gateway addresses,
/// and a veth per endpoint, its bridge end enslaved and up, its container end named in Join as <c>SrcName</c> (the
/// host moves it into the sandbox, renames it from <c>DstPrefix</c> and gives it the endpoint's addresses and MAC).
/// It keeps no state of its own: names come from the IDs (<see cref="LinkNaming"/>) and the gateway is read back from
/// the bridge, so a restarted plugin carries on. Creates and deletes are idempotent, as the host retries them.
/// </summary>
internal sealed class BridgeNetworkDriver(NetlinkClient netlink) : NetworkDriver
{
    /// <summary>The prefix the host renames the container end to (eth0, eth1, ...).</summary>
    public const string DstPrefix = "eth";

    public override Task CreateNetworkAsync(CreateNetworkRequest request, CancellationToken cancellationToken)
    {
        var name = LinkNaming.Bridge(request.NetworkId);
        var gateways = Gateways(request.IPv4Data, "IPv4Data").Concat(Gateways(request.IPv6Data, "IPv6Data")).ToList();
        if (netlink.FindLink(name) is { } existing)
        {
            if (existing.Kind != "bridge")
            {
                throw new InvalidOperationException($"network {request.NetworkId}: link {name} exists and is a {existing.Kind ?? "physical"} link, not a bridge");
            }
        }
        else
        {
            netlink.CreateBridge(name);
        }

        var bridge = netlink.GetLink(name);
        var present = netlink.GetAddresses(index: bridge.Index).Select(a => a.Prefix).ToHashSet();
        foreach (var gateway in gateways.Where(g => !present.Contains(g)))
        {
            netlink.AddAddress(bridge.Index, gateway, noDad: gateway.IsV6);
        }

        netlink.SetUp(bridge.Index);
        return Task.CompletedTask;
    }

    public override Task DeleteNetworkAsync(DeleteNetworkRequest request, CancellationToken cancellationToken)
    {
        DeleteIfPresent(LinkNaming.Bridge(request.NetworkId));
        return Task.CompletedTask;
    }

    public override Task<CreateEndpointResponse> CreateEndpointAsync(CreateEndpointRequest request, CancellationToken cancellationToken)
    {
        var bridge = Bridge(request.NetworkId);
        var hostEnd = LinkNaming.HostEnd(request.EndpointId);
        if (netlink.FindLink(hostEnd) is null)
        {
            netlink.CreateVeth(hostEnd, LinkNaming.ContainerEnd(request.EndpointId));
        }

        var link = netlink.GetLink(hostEnd);
        netlink.SetMaster(link.Index, bridge.Index);
        netlink.SetUp(link.Index);
        // The host's IPAM gave the addresses and the host sets them (and the MAC) in the sandbox: answer no Interface.
        return Task.FromResult(new CreateEndpointResponse());
    }

    public override Task DeleteEndpointAsync(DeleteEndpointRequest request, CancellationToken cancellationToken)
    {
        DeleteIfPresent(LinkNaming.HostEnd(request.EndpointId)); // the container end goes with it
        return Task.CompletedTask;
    }

    public override Task<JoinResponse> JoinAsync(JoinRequest request, CancellationToken cancellationToken)
    {
        var bridge = Bridge(request.NetworkId);
        var containerEnd = LinkNaming.ContainerEnd(request.EndpointId);
        if (netlink.FindLink(containerEnd) is null)
        {
            throw new InvalidOperationException($"endpoint {request.EndpointId} of network {request.NetworkId}: no veth {containerEnd} (was the endpoint created?)");
        }

        var addresses = netlink.GetAddresses(index: bridge.Index);
        var v4 = addresses.FirstOrDefault(a => !a.Prefix.IsV6);
        var v6 = addresses.FirstOrDefault(a => a.Prefix.IsV6 && !a.Prefix.Address.IsIPv6LinkLocal);
        return Task.FromResult(new JoinResponse(
            new InterfaceName(containerEnd, DstPrefix),
            Gateway: v4?.Prefix.Address.ToString(),
            GatewayIPv6: v6?.Prefix.Address.ToString()));
    }

    public override Task LeaveAsync(LeaveRequest request, CancellationToken cancellationToken)
    {
        _ = Bridge(request.NetworkId); // the host gives the interface back; the veth stays until DeleteEndpoint
        return Task.CompletedTask;
    }

    private NetlinkLink Bridge(string networkId) =>
        netlink.FindLink(LinkNaming.Bridge(networkId)) is { Kind: "bridge" } bridge
            ? bridge
            : throw new InvalidOperationException($"network {networkId} not found (no bridge {LinkNaming.Bridge(networkId)})");

    private void DeleteIfPresent(string name)
    {
        if (netlink.FindLink(name) is not { } link)
        {
            return;
        }

        try
        {
            netlink.DeleteLink(link.Index);
        }
        catch (NetlinkException ex) when (ex.Errno is Errnos.ENODEV)
        {
            // deleted meanwhile (a retried delete): the outcome the caller asked for
        }
    }

    private static IEnumerable<IpPrefix> Gateways(IReadOnlyList<IpamData>? data, string field)
    {
        foreach (var pool in data ?? [])
        {
            if (string.IsNullOrEmpty(pool.Gateway))
            {
                continue;
            }

            if (!IpPrefix.TryParse(pool.Gateway, out var gateway))
            {
                throw new ArgumentException($"{field}: gateway \"{pool.Gateway}\" is not an address with a mask (like 172.18.0.1/16)");
            }

            yield return gateway;
        }
    }
}
