using System.Net;
using System.Text.Json;
using Cnm.Core.Drivers;
using Cnm.Linux.Netlink;

namespace Cnm.Linux.Tests.Sandboxes;

/// <summary>
/// A network driver that behaves like a typical remote plugin: at Join it creates a veth in the host namespace
/// over the netlink client and names its peer as SrcName, with the subnet's first address as gateway and two static routes (<c>10.&lt;second octet&gt;.0.0/16</c> via <c>.9</c>, and <c>10.&lt;second octet + 100&gt;.0.0/16</c> connected); at DeleteEndpoint
/// it deletes the veth. Its veths are named <c>h&lt;eid8&gt;</c> (host side) and <c>c&lt;eid8&gt;</c> (the one moved).
/// </summary>
internal sealed class VethDriver(NetlinkClient host) : INetworkDriver, IDriverModule
{
    public string Name => "veth-test";

    /// <summary>When set, Join also asks for a route via 203.0.113.1, which no link reaches.</summary>
    public bool UnreachableRoute { get; set; }

    /// <summary>Leave calls received.</summary>
    public int Leaves { get; private set; }

    public bool IsBuiltIn => false;

    public Task InitializeAsync(IDriverRegistrar registrar, CancellationToken cancellationToken)
    {
        registrar.RegisterNetworkDriver("vethdrv", this, new DriverCapability(DriverScope.Local, DriverScope.Local));
        return Task.CompletedTask;
    }

    public Task CreateNetworkAsync(CreateNetworkArgs request, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task DeleteNetworkAsync(string networkId, CancellationToken cancellationToken) => Task.CompletedTask;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, IPAddress> _gateways = new(StringComparer.Ordinal);

    /// <summary>Remembers the gateway of the endpoint's subnet: its first address.</summary>
    public Task CreateEndpointAsync(CreateEndpointArgs request, IEndpointInterface endpointInterface, CancellationToken cancellationToken)
    {
        _gateways[request.EndpointId] = endpointInterface.Address!.Value.AddressAt(1);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyDictionary<string, JsonElement>> EndpointOperInfoAsync(string networkId, string endpointId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, JsonElement>>(new Dictionary<string, JsonElement>());

    public Task DeleteEndpointAsync(string networkId, string endpointId, CancellationToken cancellationToken)
    {
        if (host.FindLink("h" + endpointId[..8]) is { } link)
        {
            host.DeleteLink(link.Index);
        }

        return Task.CompletedTask;
    }

    public Task JoinAsync(JoinArgs request, IJoinInfo joinInfo, CancellationToken cancellationToken)
    {
        var id = request.EndpointId[..8];
        host.CreateVeth("h" + id, "c" + id);
        joinInfo.SetInterfaceName("c" + id, "eth");
        var gateway = _gateways[request.EndpointId];
        var b = gateway.GetAddressBytes();
        joinInfo.SetGateway(gateway);
        joinInfo.AddStaticRoute(Cnm.Core.Net.IpPrefix.Parse($"10.{b[1]}.0.0/16"), RouteType.NextHop, new IPAddress([b[0], b[1], b[2], 9]));
        joinInfo.AddStaticRoute(Cnm.Core.Net.IpPrefix.Parse($"10.{b[1] + 100}.0.0/16"), RouteType.Connected, null);
        if (UnreachableRoute)
        {
            joinInfo.AddStaticRoute(Cnm.Core.Net.IpPrefix.Parse("10.99.0.0/16"), RouteType.NextHop, IPAddress.Parse("203.0.113.1"));
        }

        return Task.CompletedTask;
    }

    public Task LeaveAsync(string networkId, string endpointId, CancellationToken cancellationToken)
    {
        Leaves++;
        return Task.CompletedTask;
    }
}
