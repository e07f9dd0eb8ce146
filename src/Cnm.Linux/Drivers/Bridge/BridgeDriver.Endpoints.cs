using System.Net.NetworkInformation;
using System.Text.Json;
using Cnm.Core.Drivers;
using Cnm.Core.Errors;

namespace Cnm.Linux.Drivers.Bridge;

public sealed partial class BridgeDriver
{
    /// <inheritdoc />
    public async Task CreateEndpointAsync(CreateEndpointArgs request, IEndpointInterface endpointInterface, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(endpointInterface);
        var network = NetworkOf(request.NetworkId);
        if (endpointInterface.Address is null && endpointInterface.AddressIPv6 is null)
        {
            throw CnmException.InvalidParameter($"bridge network {request.NetworkId[..12]}: endpoint {request.EndpointId[..12]} has no address");
        }

        var mac = endpointInterface.MacAddress;
        if (mac is null)
        {
            mac = MacFor(endpointInterface);
            endpointInterface.SetMacAddress(mac);
        }

        var endpoint = new BridgeEndpointState(request.EndpointId, request.NetworkId, endpointInterface.Address, endpointInterface.AddressIPv6, mac);
        await Core.BlockingWork.LeaveEventThreadAsync(); // netlink in the host namespace blocks
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_endpoints.ContainsKey(request.EndpointId))
            {
                throw CnmException.Forbidden($"Endpoint ({request.EndpointId}) already exists (Only one endpoint allowed)");
            }

            MakeVeth(network, endpoint);
            _endpoints[endpoint.Id] = endpoint;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async Task DeleteEndpointAsync(string networkId, string endpointId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpointId);
        await Core.BlockingWork.LeaveEventThreadAsync(); // netlink in the host namespace blocks
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_endpoints.TryRemove(endpointId, out var endpoint))
            {
                endpoint.Ports?.Dispose();
            }

            if (_firewall is not null)
            {
                await _firewall.RemovePortsAsync(networkId, endpointId, cancellationToken).ConfigureAwait(false);
            }

            // Both ends go with the host end; by alias, so that an endpoint a crash left unknown is found too.
            foreach (var link in _host.Links.GetLinks().Where(l => OwnedLinks.EndpointOf(Name, l.Alias) == endpointId))
            {
                DeleteLinkIfPresent(link.Index);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public Task JoinAsync(JoinArgs request, IJoinInfo joinInfo, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(joinInfo);
        var network = NetworkOf(request.NetworkId);
        var endpoint = EndpointOf(request.EndpointId);
        if (_host.Links.FindLink(endpoint.PeerName) is null)
        {
            throw CnmException.Internal($"bridge endpoint {endpoint.Id[..12]}: its interface {endpoint.PeerName} is not in the host namespace");
        }

        joinInfo.SetInterfaceName(endpoint.PeerName, network.Config.InterfacePrefix);
        if (GatewayFor(network) is { } gateway && endpoint.Address is not null)
        {
            joinInfo.SetGateway(gateway);
        }

        if (!network.Config.Internal && network.GatewayIPv6 is { } gateway6 && endpoint.AddressIPv6 is not null)
        {
            joinInfo.SetGatewayIPv6(gateway6);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    /// <remarks>Nothing to do: the sandbox gives the interface back to the host namespace, where DeleteEndpoint removes it.</remarks>
    public Task LeaveAsync(string networkId, string endpointId, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    /// <remarks>The MAC, and the published ports with the host ports they hold while the endpoint is its sandbox's gateway.</remarks>
    public Task<IReadOnlyDictionary<string, JsonElement>> EndpointOperInfoAsync(string networkId, string endpointId, CancellationToken cancellationToken)
    {
        var endpoint = EndpointOf(endpointId);
        var info = new Dictionary<string, JsonElement>(StringComparer.Ordinal)
        {
            [DriverOptionKeys.MacAddress] = JsonSerializer.SerializeToElement(string.Join(':', endpoint.Mac.GetAddressBytes().Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture))), LinuxDriverJson.Default.String),
            [DriverOptionKeys.PortMap] = JsonSerializer.SerializeToElement(
                [.. (endpoint.Ports?.Mappings ?? []).Select(p => new PublishedPort(ProtoOf(p.Protocol), p.ContainerIp.ToString(), p.ContainerPort,
                    p.HostIp?.ToString() ?? "", p.HostPort, p.HostPort))], LinuxDriverJson.Default.ListPublishedPort),
        };
        return Task.FromResult<IReadOnlyDictionary<string, JsonElement>>(info);
    }

    private void MakeVeth(BridgeNetworkState network, BridgeEndpointState endpoint)
    {
        var bridge = _host.Links.FindLink(network.Config.BridgeName)
            ?? throw CnmException.Internal($"bridge network {network.Id[..12]}: its bridge {network.Config.BridgeName} is missing from the host namespace");
        _host.Links.CreateVeth(endpoint.HostName, endpoint.PeerName);
        try
        {
            var outer = _host.Links.GetLink(endpoint.HostName);
            var inner = _host.Links.GetLink(endpoint.PeerName);
            _host.Links.SetAlias(outer.Index, OwnedLinks.EndpointAlias(Name, endpoint.Id));
            if (network.Config.Mtu > 0)
            {
                _host.Links.SetMtu(outer.Index, network.Config.Mtu);
                _host.Links.SetMtu(inner.Index, network.Config.Mtu);
            }

            _host.Links.SetMacAddress(inner.Index, endpoint.Mac);
            _host.Links.SetMaster(outer.Index, bridge.Index);
            _host.Links.SetUp(outer.Index);
        }
        catch
        {
            if (_host.Links.FindLink(endpoint.HostName) is { } made)
            {
                DeleteLinkIfPresent(made.Index);
            }

            throw;
        }
    }

    private BridgeNetworkState NetworkOf(string networkId) =>
        _networks.TryGetValue(networkId, out var network) ? network : throw CnmException.NotFound($"No network ({networkId}) exists");

    private BridgeEndpointState EndpointOf(string endpointId) =>
        _endpoints.TryGetValue(endpointId, out var endpoint) ? endpoint : throw CnmException.NotFound($"No endpoint ({endpointId}) exists");

    /// <summary>The reference's MAC for an IPv4 endpoint, 02:42 and the four address bytes; a random local one otherwise.</summary>
    private static PhysicalAddress MacFor(IEndpointInterface endpointInterface)
    {
        var bytes = new byte[6];
        if (endpointInterface.Address is { } address)
        {
            bytes[0] = 0x02;
            bytes[1] = 0x42;
            address.Address.GetAddressBytes().CopyTo(bytes, 2);
        }
        else
        {
            System.Security.Cryptography.RandomNumberGenerator.Fill(bytes);
            bytes[0] = (byte)((bytes[0] & 0xFE) | 0x02);
        }

        return new PhysicalAddress(bytes);
    }

    private static int ProtoOf(string protocol) => protocol switch { "udp" => 17, "sctp" => 132, _ => 6 };
}
