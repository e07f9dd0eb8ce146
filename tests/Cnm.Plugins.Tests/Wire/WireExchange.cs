using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Cnm.Plugins.Client;
using Cnm.Protocol;

namespace Cnm.Plugins.Tests.Wire;

/// <summary>
/// One service method driven through <see cref="PluginClient"/> with its records: the golden request
/// (null for an empty body) goes in, the client's decoded response comes back written as Go would write it
/// (<see cref="GoJson.SerializeBody{T}"/>: compact, then a newline).
/// </summary>
internal sealed record WireExchange(
    string Method,
    bool HasRequest,
    Func<PluginClient, string?, CancellationToken, Task<string>> CallAsync)
{
    private static PluginJsonContext Json => PluginJsonContext.Default;

    public static IReadOnlyList<WireExchange> All { get; } =
    [
        Empty(PluginMethods.Activate, Json.ActivateResponse),

        Empty(PluginMethods.Network.GetCapabilities, Json.NetworkCapabilitiesResponse),
        With(PluginMethods.Network.CreateNetwork, Json.CreateNetworkRequest, Json.CreateNetworkResponse),
        With(PluginMethods.Network.AllocateNetwork, Json.AllocateNetworkRequest, Json.AllocateNetworkResponse),
        With(PluginMethods.Network.DeleteNetwork, Json.DeleteNetworkRequest, Json.DeleteNetworkResponse),
        With(PluginMethods.Network.FreeNetwork, Json.FreeNetworkRequest, Json.FreeNetworkResponse),
        With(PluginMethods.Network.CreateEndpoint, Json.CreateEndpointRequest, Json.CreateEndpointResponse),
        With(PluginMethods.Network.EndpointOperInfo, Json.EndpointOperInfoRequest, Json.EndpointOperInfoResponse),
        With(PluginMethods.Network.DeleteEndpoint, Json.DeleteEndpointRequest, Json.DeleteEndpointResponse),
        With(PluginMethods.Network.Join, Json.JoinRequest, Json.JoinResponse),
        With(PluginMethods.Network.Leave, Json.LeaveRequest, Json.LeaveResponse),
        With(PluginMethods.Network.DiscoverNew, Json.DiscoveryNotification, Json.DiscoveryResponse),
        With(PluginMethods.Network.DiscoverDelete, Json.DiscoveryNotification, Json.DiscoveryResponse),
        With(PluginMethods.Network.ProgramExternalConnectivity, Json.ProgramExternalConnectivityRequest,
            Json.ProgramExternalConnectivityResponse),
        With(PluginMethods.Network.RevokeExternalConnectivity, Json.RevokeExternalConnectivityRequest,
            Json.RevokeExternalConnectivityResponse),

        Empty(PluginMethods.Ipam.GetCapabilities, Json.IpamCapabilitiesResponse),
        Empty(PluginMethods.Ipam.GetDefaultAddressSpaces, Json.GetDefaultAddressSpacesResponse),
        With(PluginMethods.Ipam.RequestPool, Json.RequestPoolRequest, Json.RequestPoolResponse),
        With(PluginMethods.Ipam.ReleasePool, Json.ReleasePoolRequest, Json.ReleasePoolResponse),
        With(PluginMethods.Ipam.RequestAddress, Json.RequestAddressRequest, Json.RequestAddressResponse),
        With(PluginMethods.Ipam.ReleaseAddress, Json.ReleaseAddressRequest, Json.ReleaseAddressResponse),
    ];

    public static WireExchange For(string method) => All.Single(e => e.Method == method);

    private static WireExchange Empty<TResponse>(string method, JsonTypeInfo<TResponse> responseType) =>
        new(method, false, async (client, _, ct) =>
        {
            var response = await client.CallAsync(method, responseType, ct);
            return Encoding.UTF8.GetString(GoJson.SerializeBody(response, responseType));
        });

    private static WireExchange With<TRequest, TResponse>(string method, JsonTypeInfo<TRequest> requestType,
        JsonTypeInfo<TResponse> responseType) =>
        new(method, true, async (client, requestJson, ct) =>
        {
            var request = JsonSerializer.Deserialize(requestJson!, requestType)!;
            var response = await client.CallAsync(method, request, requestType, responseType, ct);
            return Encoding.UTF8.GetString(GoJson.SerializeBody(response, responseType));
        });
}
