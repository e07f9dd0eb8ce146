using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Cnm.Plugins.Client;
using Cnm.Protocol;

namespace Cnm.Plugins.Testing.Tests;

/// <summary>A golden request (null: empty body) sent through a real <see cref="PluginClient"/>; the decoded answer comes back as JSON.</summary>
internal static class GoldenCall
{
    private static PluginJsonContext J => PluginJsonContext.Default;

    private static readonly Dictionary<string, Func<PluginClient, string?, CancellationToken, Task<string>>> Calls = new()
    {
        [PluginMethods.Activate] = Empty(PluginMethods.Activate, J.ActivateResponse),
        [PluginMethods.Network.GetCapabilities] = Empty(PluginMethods.Network.GetCapabilities, J.NetworkCapabilitiesResponse),
        [PluginMethods.Network.CreateNetwork] = With(PluginMethods.Network.CreateNetwork, J.CreateNetworkRequest, J.CreateNetworkResponse),
        [PluginMethods.Network.AllocateNetwork] = With(PluginMethods.Network.AllocateNetwork, J.AllocateNetworkRequest, J.AllocateNetworkResponse),
        [PluginMethods.Network.DeleteNetwork] = With(PluginMethods.Network.DeleteNetwork, J.DeleteNetworkRequest, J.DeleteNetworkResponse),
        [PluginMethods.Network.FreeNetwork] = With(PluginMethods.Network.FreeNetwork, J.FreeNetworkRequest, J.FreeNetworkResponse),
        [PluginMethods.Network.CreateEndpoint] = With(PluginMethods.Network.CreateEndpoint, J.CreateEndpointRequest, J.CreateEndpointResponse),
        [PluginMethods.Network.EndpointOperInfo] = With(PluginMethods.Network.EndpointOperInfo, J.EndpointOperInfoRequest, J.EndpointOperInfoResponse),
        [PluginMethods.Network.DeleteEndpoint] = With(PluginMethods.Network.DeleteEndpoint, J.DeleteEndpointRequest, J.DeleteEndpointResponse),
        [PluginMethods.Network.Join] = With(PluginMethods.Network.Join, J.JoinRequest, J.JoinResponse),
        [PluginMethods.Network.Leave] = With(PluginMethods.Network.Leave, J.LeaveRequest, J.LeaveResponse),
        [PluginMethods.Network.DiscoverNew] = With(PluginMethods.Network.DiscoverNew, J.DiscoveryNotification, J.DiscoveryResponse),
        [PluginMethods.Network.DiscoverDelete] = With(PluginMethods.Network.DiscoverDelete, J.DiscoveryNotification, J.DiscoveryResponse),
        [PluginMethods.Network.ProgramExternalConnectivity] = With(PluginMethods.Network.ProgramExternalConnectivity, J.ProgramExternalConnectivityRequest, J.ProgramExternalConnectivityResponse),
        [PluginMethods.Network.RevokeExternalConnectivity] = With(PluginMethods.Network.RevokeExternalConnectivity, J.RevokeExternalConnectivityRequest, J.RevokeExternalConnectivityResponse),
        [PluginMethods.Ipam.GetCapabilities] = Empty(PluginMethods.Ipam.GetCapabilities, J.IpamCapabilitiesResponse),
        [PluginMethods.Ipam.GetDefaultAddressSpaces] = Empty(PluginMethods.Ipam.GetDefaultAddressSpaces, J.GetDefaultAddressSpacesResponse),
        [PluginMethods.Ipam.RequestPool] = With(PluginMethods.Ipam.RequestPool, J.RequestPoolRequest, J.RequestPoolResponse),
        [PluginMethods.Ipam.ReleasePool] = With(PluginMethods.Ipam.ReleasePool, J.ReleasePoolRequest, J.ReleasePoolResponse),
        [PluginMethods.Ipam.RequestAddress] = With(PluginMethods.Ipam.RequestAddress, J.RequestAddressRequest, J.RequestAddressResponse),
        [PluginMethods.Ipam.ReleaseAddress] = With(PluginMethods.Ipam.ReleaseAddress, J.ReleaseAddressRequest, J.ReleaseAddressResponse),
    };

    public static IEnumerable<string> Methods => Calls.Keys;

    public static Task<string> CallAsync(PluginClient client, string method, string? request, CancellationToken ct) =>
        Calls[method](client, request, ct);

    private static Func<PluginClient, string?, CancellationToken, Task<string>> Empty<TResponse>(string method,
        JsonTypeInfo<TResponse> type) =>
        async (client, _, ct) => JsonSerializer.Serialize(await client.CallAsync(method, type, ct), type);

    private static Func<PluginClient, string?, CancellationToken, Task<string>> With<TRequest, TResponse>(string method,
        JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse> responseType) =>
        async (client, json, ct) =>
        {
            var request = JsonSerializer.Deserialize(json!, requestType)!;
            return JsonSerializer.Serialize(await client.CallAsync(method, request, requestType, responseType, ct), responseType);
        };
}
