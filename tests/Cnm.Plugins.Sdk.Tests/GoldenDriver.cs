using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Cnm.Protocol;
using Cnm.Protocol.Ipam;
using Cnm.Protocol.Network;
using Cnm.Testing;

namespace Cnm.Plugins.Sdk.Tests;

/// <summary>Drivers that answer every method with its golden example and keep the requests they got, re-written as JSON.</summary>
internal static class GoldenDriver
{
    private static PluginJsonContext Json => PluginJsonContext.Default;

    public static ConcurrentDictionary<string, string> Requests { get; } = new();

    private static T Answer<T>(string method, JsonTypeInfo<T> type) =>
        JsonSerializer.Deserialize(GoldenExamples.Read(method, "response"), type)!;

    private static Task<T> Got<TRequest, T>(string method, TRequest request, JsonTypeInfo<TRequest> requestType,
        JsonTypeInfo<T> responseType)
    {
        Requests[method] = JsonSerializer.Serialize(request, requestType);
        return Task.FromResult(Answer(method, responseType));
    }

    public sealed class Network : NetworkDriver
    {
        private static readonly PluginJsonContext J = PluginJsonContext.Default;

        public override Task<NetworkCapabilitiesResponse> GetCapabilitiesAsync(CancellationToken cancellationToken) =>
            Task.FromResult(Answer(PluginMethods.Network.GetCapabilities, J.NetworkCapabilitiesResponse));

        public override Task CreateNetworkAsync(CreateNetworkRequest request, CancellationToken cancellationToken) =>
            Got(PluginMethods.Network.CreateNetwork, request, J.CreateNetworkRequest, J.CreateNetworkResponse);

        public override Task<AllocateNetworkResponse> AllocateNetworkAsync(AllocateNetworkRequest request, CancellationToken cancellationToken) =>
            Got(PluginMethods.Network.AllocateNetwork, request, J.AllocateNetworkRequest, J.AllocateNetworkResponse);

        public override Task DeleteNetworkAsync(DeleteNetworkRequest request, CancellationToken cancellationToken) =>
            Got(PluginMethods.Network.DeleteNetwork, request, J.DeleteNetworkRequest, J.DeleteNetworkResponse);

        public override Task FreeNetworkAsync(FreeNetworkRequest request, CancellationToken cancellationToken) =>
            Got(PluginMethods.Network.FreeNetwork, request, J.FreeNetworkRequest, J.FreeNetworkResponse);

        public override Task<CreateEndpointResponse> CreateEndpointAsync(CreateEndpointRequest request, CancellationToken cancellationToken) =>
            Got(PluginMethods.Network.CreateEndpoint, request, J.CreateEndpointRequest, J.CreateEndpointResponse);

        public override Task<EndpointOperInfoResponse> EndpointOperInfoAsync(EndpointOperInfoRequest request, CancellationToken cancellationToken) =>
            Got(PluginMethods.Network.EndpointOperInfo, request, J.EndpointOperInfoRequest, J.EndpointOperInfoResponse);

        public override Task DeleteEndpointAsync(DeleteEndpointRequest request, CancellationToken cancellationToken) =>
            Got(PluginMethods.Network.DeleteEndpoint, request, J.DeleteEndpointRequest, J.DeleteEndpointResponse);

        public override Task<JoinResponse> JoinAsync(JoinRequest request, CancellationToken cancellationToken) =>
            Got(PluginMethods.Network.Join, request, J.JoinRequest, J.JoinResponse);

        public override Task LeaveAsync(LeaveRequest request, CancellationToken cancellationToken) =>
            Got(PluginMethods.Network.Leave, request, J.LeaveRequest, J.LeaveResponse);

        public override Task DiscoverNewAsync(DiscoveryNotification notification, CancellationToken cancellationToken) =>
            Got(PluginMethods.Network.DiscoverNew, notification, J.DiscoveryNotification, J.DiscoveryResponse);

        public override Task DiscoverDeleteAsync(DiscoveryNotification notification, CancellationToken cancellationToken) =>
            Got(PluginMethods.Network.DiscoverDelete, notification, J.DiscoveryNotification, J.DiscoveryResponse);

        public override Task ProgramExternalConnectivityAsync(ProgramExternalConnectivityRequest request, CancellationToken cancellationToken) =>
            Got(PluginMethods.Network.ProgramExternalConnectivity, request, J.ProgramExternalConnectivityRequest,
                J.ProgramExternalConnectivityResponse);

        public override Task RevokeExternalConnectivityAsync(RevokeExternalConnectivityRequest request, CancellationToken cancellationToken) =>
            Got(PluginMethods.Network.RevokeExternalConnectivity, request, J.RevokeExternalConnectivityRequest,
                J.RevokeExternalConnectivityResponse);
    }

    public sealed class Ipam : IpamDriver
    {
        public override Task<IpamCapabilitiesResponse> GetCapabilitiesAsync(CancellationToken cancellationToken) =>
            Task.FromResult(Answer(PluginMethods.Ipam.GetCapabilities, Json.IpamCapabilitiesResponse));

        public override Task<GetDefaultAddressSpacesResponse> GetDefaultAddressSpacesAsync(CancellationToken cancellationToken) =>
            Task.FromResult(Answer(PluginMethods.Ipam.GetDefaultAddressSpaces, Json.GetDefaultAddressSpacesResponse));

        public override Task<RequestPoolResponse> RequestPoolAsync(RequestPoolRequest request, CancellationToken cancellationToken) =>
            Got(PluginMethods.Ipam.RequestPool, request, Json.RequestPoolRequest, Json.RequestPoolResponse);

        public override Task ReleasePoolAsync(ReleasePoolRequest request, CancellationToken cancellationToken) =>
            Got(PluginMethods.Ipam.ReleasePool, request, Json.ReleasePoolRequest, Json.ReleasePoolResponse);

        public override Task<RequestAddressResponse> RequestAddressAsync(RequestAddressRequest request, CancellationToken cancellationToken) =>
            Got(PluginMethods.Ipam.RequestAddress, request, Json.RequestAddressRequest, Json.RequestAddressResponse);

        public override Task ReleaseAddressAsync(ReleaseAddressRequest request, CancellationToken cancellationToken) =>
            Got(PluginMethods.Ipam.ReleaseAddress, request, Json.ReleaseAddressRequest, Json.ReleaseAddressResponse);
    }
}
