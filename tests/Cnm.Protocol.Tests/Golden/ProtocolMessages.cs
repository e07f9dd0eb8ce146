using System.Text.Json.Serialization.Metadata;

namespace Cnm.Protocol.Tests.Golden;

/// <summary>The request and response types of one service method; no request type means an empty body.</summary>
internal sealed record ProtocolMessage(string Method, JsonTypeInfo? Request, JsonTypeInfo Response);

/// <summary>Every service method of the protocol with the records that carry it.</summary>
internal static class ProtocolMessages
{
    private static PluginJsonContext Json => PluginJsonContext.Default;

    public static IReadOnlyList<ProtocolMessage> All { get; } =
    [
        new(PluginMethods.Activate, null, Json.ActivateResponse),

        new(PluginMethods.Network.GetCapabilities, null, Json.NetworkCapabilitiesResponse),
        new(PluginMethods.Network.CreateNetwork, Json.CreateNetworkRequest, Json.CreateNetworkResponse),
        new(PluginMethods.Network.AllocateNetwork, Json.AllocateNetworkRequest, Json.AllocateNetworkResponse),
        new(PluginMethods.Network.DeleteNetwork, Json.DeleteNetworkRequest, Json.DeleteNetworkResponse),
        new(PluginMethods.Network.FreeNetwork, Json.FreeNetworkRequest, Json.FreeNetworkResponse),
        new(PluginMethods.Network.CreateEndpoint, Json.CreateEndpointRequest, Json.CreateEndpointResponse),
        new(PluginMethods.Network.EndpointOperInfo, Json.EndpointOperInfoRequest, Json.EndpointOperInfoResponse),
        new(PluginMethods.Network.DeleteEndpoint, Json.DeleteEndpointRequest, Json.DeleteEndpointResponse),
        new(PluginMethods.Network.Join, Json.JoinRequest, Json.JoinResponse),
        new(PluginMethods.Network.Leave, Json.LeaveRequest, Json.LeaveResponse),
        new(PluginMethods.Network.DiscoverNew, Json.DiscoveryNotification, Json.DiscoveryResponse),
        new(PluginMethods.Network.DiscoverDelete, Json.DiscoveryNotification, Json.DiscoveryResponse),
        new(PluginMethods.Network.ProgramExternalConnectivity, Json.ProgramExternalConnectivityRequest,
            Json.ProgramExternalConnectivityResponse),
        new(PluginMethods.Network.RevokeExternalConnectivity, Json.RevokeExternalConnectivityRequest,
            Json.RevokeExternalConnectivityResponse),

        new(PluginMethods.Ipam.GetCapabilities, null, Json.IpamCapabilitiesResponse),
        new(PluginMethods.Ipam.GetDefaultAddressSpaces, null, Json.GetDefaultAddressSpacesResponse),
        new(PluginMethods.Ipam.RequestPool, Json.RequestPoolRequest, Json.RequestPoolResponse),
        new(PluginMethods.Ipam.ReleasePool, Json.ReleasePoolRequest, Json.ReleasePoolResponse),
        new(PluginMethods.Ipam.RequestAddress, Json.RequestAddressRequest, Json.RequestAddressResponse),
        new(PluginMethods.Ipam.ReleaseAddress, Json.ReleaseAddressRequest, Json.ReleaseAddressResponse),
    ];

    public static ProtocolMessage For(string method) => All.Single(m => m.Method == method);
}
