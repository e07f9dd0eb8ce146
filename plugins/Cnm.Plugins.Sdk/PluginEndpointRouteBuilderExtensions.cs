using Cnm.Plugins.Sdk.Routing;
using Cnm.Protocol;
using Cnm.Protocol.Ipam;
using Cnm.Protocol.Network;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cnm.Plugins.Sdk;

/// <summary>
/// Maps the routes of the Docker plugin protocol onto an ASP.NET Core application (minimal-API endpoints).
/// </summary>
/// <remarks>
/// Mapping a driver maps every method of its interface as <c>/Interface.Method</c>, plus <c>/Plugin.Activate</c>
/// (its <c>Implements</c> lists every interface mapped on the same builder) and a 404 for any other path.
/// A request body that is not a JSON object gets 400 with a text message; a driver method that throws gets 500
/// with the exception message as the error. Answers are compact JSON plus a newline, as go-plugins-helpers writes.
/// </remarks>
public static class PluginEndpointRouteBuilderExtensions
{
    private static PluginJsonContext Json => PluginJsonContext.Default;

    /// <summary>Maps the 14 <c>NetworkDriver.*</c> routes onto <paramref name="driver"/>.</summary>
    /// <returns><paramref name="routes"/>, for chaining.</returns>
    /// <exception cref="InvalidOperationException">A network driver is already mapped on <paramref name="routes"/>.</exception>
    public static IEndpointRouteBuilder MapNetworkDriver(this IEndpointRouteBuilder routes, NetworkDriver driver)
    {
        ArgumentNullException.ThrowIfNull(routes);
        ArgumentNullException.ThrowIfNull(driver);
        PluginManifest.For(routes).Add(PluginInterfaces.NetworkDriver);
        var map = new PluginRouteMapper(routes, ErrorStyle.Network, CreateLogger(routes, "Cnm.Plugins.Sdk.NetworkDriver"));

        map.Map(PluginMethods.Network.GetCapabilities, Json.NetworkCapabilitiesResponse, driver.GetCapabilitiesAsync);
        map.MapEmpty(PluginMethods.Network.CreateNetwork, Json.CreateNetworkRequest, Json.CreateNetworkResponse,
            new CreateNetworkResponse(), driver.CreateNetworkAsync);
        map.Map(PluginMethods.Network.AllocateNetwork, Json.AllocateNetworkRequest, Json.AllocateNetworkResponse,
            driver.AllocateNetworkAsync);
        map.MapEmpty(PluginMethods.Network.DeleteNetwork, Json.DeleteNetworkRequest, Json.DeleteNetworkResponse,
            new DeleteNetworkResponse(), driver.DeleteNetworkAsync);
        map.MapEmpty(PluginMethods.Network.FreeNetwork, Json.FreeNetworkRequest, Json.FreeNetworkResponse,
            new FreeNetworkResponse(), driver.FreeNetworkAsync);
        map.Map(PluginMethods.Network.CreateEndpoint, Json.CreateEndpointRequest, Json.CreateEndpointResponse,
            driver.CreateEndpointAsync);
        map.Map(PluginMethods.Network.EndpointOperInfo, Json.EndpointOperInfoRequest, Json.EndpointOperInfoResponse,
            driver.EndpointOperInfoAsync);
        map.MapEmpty(PluginMethods.Network.DeleteEndpoint, Json.DeleteEndpointRequest, Json.DeleteEndpointResponse,
            new DeleteEndpointResponse(), driver.DeleteEndpointAsync);
        map.Map(PluginMethods.Network.Join, Json.JoinRequest, Json.JoinResponse, driver.JoinAsync);
        map.MapEmpty(PluginMethods.Network.Leave, Json.LeaveRequest, Json.LeaveResponse, new LeaveResponse(),
            driver.LeaveAsync);
        map.MapEmpty(PluginMethods.Network.DiscoverNew, Json.DiscoveryNotification, Json.DiscoveryResponse,
            new DiscoveryResponse(), driver.DiscoverNewAsync);
        map.MapEmpty(PluginMethods.Network.DiscoverDelete, Json.DiscoveryNotification, Json.DiscoveryResponse,
            new DiscoveryResponse(), driver.DiscoverDeleteAsync);
        map.MapEmpty(PluginMethods.Network.ProgramExternalConnectivity, Json.ProgramExternalConnectivityRequest,
            Json.ProgramExternalConnectivityResponse, new ProgramExternalConnectivityResponse(),
            driver.ProgramExternalConnectivityAsync);
        map.MapEmpty(PluginMethods.Network.RevokeExternalConnectivity, Json.RevokeExternalConnectivityRequest,
            Json.RevokeExternalConnectivityResponse, new RevokeExternalConnectivityResponse(),
            driver.RevokeExternalConnectivityAsync);
        return routes;
    }

    /// <summary>Maps the 6 <c>IpamDriver.*</c> routes onto <paramref name="driver"/>.</summary>
    /// <returns><paramref name="routes"/>, for chaining.</returns>
    /// <exception cref="InvalidOperationException">An IPAM driver is already mapped on <paramref name="routes"/>.</exception>
    public static IEndpointRouteBuilder MapIpamDriver(this IEndpointRouteBuilder routes, IpamDriver driver)
    {
        ArgumentNullException.ThrowIfNull(routes);
        ArgumentNullException.ThrowIfNull(driver);
        PluginManifest.For(routes).Add(PluginInterfaces.IpamDriver);
        var map = new PluginRouteMapper(routes, ErrorStyle.Ipam, CreateLogger(routes, "Cnm.Plugins.Sdk.IpamDriver"));

        map.Map(PluginMethods.Ipam.GetCapabilities, Json.IpamCapabilitiesResponse, driver.GetCapabilitiesAsync);
        map.Map(PluginMethods.Ipam.GetDefaultAddressSpaces, Json.GetDefaultAddressSpacesResponse,
            driver.GetDefaultAddressSpacesAsync);
        map.Map(PluginMethods.Ipam.RequestPool, Json.RequestPoolRequest, Json.RequestPoolResponse, driver.RequestPoolAsync);
        map.MapEmpty(PluginMethods.Ipam.ReleasePool, Json.ReleasePoolRequest, Json.ReleasePoolResponse,
            new ReleasePoolResponse(), driver.ReleasePoolAsync);
        map.Map(PluginMethods.Ipam.RequestAddress, Json.RequestAddressRequest, Json.RequestAddressResponse,
            driver.RequestAddressAsync);
        map.MapEmpty(PluginMethods.Ipam.ReleaseAddress, Json.ReleaseAddressRequest, Json.ReleaseAddressResponse,
            new ReleaseAddressResponse(), driver.ReleaseAddressAsync);
        return routes;
    }

    /// <summary>Maps the driver of type <typeparamref name="TDriver"/> registered in the application's services.</summary>
    public static IEndpointRouteBuilder MapNetworkDriver<TDriver>(this IEndpointRouteBuilder routes)
        where TDriver : NetworkDriver
    {
        ArgumentNullException.ThrowIfNull(routes);
        return routes.MapNetworkDriver(routes.ServiceProvider.GetRequiredService<TDriver>());
    }

    /// <summary>Maps the IPAM driver of type <typeparamref name="TDriver"/> registered in the application's services.</summary>
    public static IEndpointRouteBuilder MapIpamDriver<TDriver>(this IEndpointRouteBuilder routes)
        where TDriver : IpamDriver
    {
        ArgumentNullException.ThrowIfNull(routes);
        return routes.MapIpamDriver(routes.ServiceProvider.GetRequiredService<TDriver>());
    }

    private static ILogger CreateLogger(IEndpointRouteBuilder routes, string category) =>
        routes.ServiceProvider.GetService<ILoggerFactory>()?.CreateLogger(category) ?? NullLogger.Instance;
}
