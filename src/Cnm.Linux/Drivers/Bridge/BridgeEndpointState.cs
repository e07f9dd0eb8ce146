using System.Net.NetworkInformation;
using Cnm.Core.Net;

namespace Cnm.Linux.Drivers.Bridge;

/// <summary>What the bridge driver keeps about one endpoint: its veth names, addresses and published ports.</summary>
internal sealed class BridgeEndpointState(string id, string networkId, IpPrefix? address, IpPrefix? addressIPv6, PhysicalAddress mac)
{
    public string Id { get; } = id;

    public string NetworkId { get; } = networkId;

    public IpPrefix? Address { get; } = address;

    public IpPrefix? AddressIPv6 { get; } = addressIPv6;

    public PhysicalAddress Mac { get; } = mac;

    /// <summary>The veth end that stays on the bridge.</summary>
    public string HostName => HostNameOf(Id);

    /// <summary>The veth end the sandbox gets.</summary>
    public string PeerName => PeerNameOf(Id);

    /// <summary>The published ports while the endpoint is the gateway of its sandbox, with their held host ports.</summary>
    public PublishedPorts? Ports { get; set; }

    public static string HostNameOf(string endpointId) => "veth" + endpointId[..11];

    public static string PeerNameOf(string endpointId) => "vcnm" + endpointId[..11];
}
