using System.Text.Json;
using Cnm.Core.Drivers;
using Cnm.Core.Errors;
using Cnm.Protocol;
using Cnm.Protocol.Network;

namespace Cnm.Drivers.Remote;

/// <summary>
/// A network driver that is a plugin process: each verb becomes one <c>NetworkDriver.*</c> call,
/// translated exactly as the reference does (docs/reference-host.md §3).
/// </summary>
internal sealed partial class RemoteNetworkDriver(PluginConnection plugin)
    : INetworkDriver, IExternalConnectivityDriver, IDiscoveryDriver, INetworkAllocator
{
    private static readonly IReadOnlyDictionary<string, JsonElement> NoInfo = new Dictionary<string, JsonElement>();
    private static PluginJsonContext Json => PluginJsonContext.Default;

    public string Name => plugin.PluginName;

    /// <summary>Asks the plugin for its scopes; an invalid value is an error naming the plugin and the value.</summary>
    public async Task<DriverCapability> GetCapabilitiesAsync(CancellationToken cancellationToken)
    {
        var reply = await plugin.CallAsync(PluginMethods.Network.GetCapabilities, Json.NetworkCapabilitiesResponse, cancellationToken)
            .ConfigureAwait(false);
        var scope = ParseScope(reply.Scope, "Scope")
            ?? throw InvalidCapability("Scope", reply.Scope);
        var connectivity = string.IsNullOrEmpty(reply.ConnectivityScope) ? scope : ParseScope(reply.ConnectivityScope, "ConnectivityScope")
            ?? throw InvalidCapability("ConnectivityScope", reply.ConnectivityScope);
        return new DriverCapability(scope, connectivity);
    }

    public Task CreateNetworkAsync(CreateNetworkArgs request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var wire = new CreateNetworkRequest(request.NetworkId, request.Options,
            [.. request.IPv4Data.Select(ToWire)], [.. request.IPv6Data.Select(ToWire)]);
        return plugin.CallAsync(PluginMethods.Network.CreateNetwork, wire, Json.CreateNetworkRequest, Json.CreateNetworkResponse,
            cancellationToken);
    }

    public Task DeleteNetworkAsync(string networkId, CancellationToken cancellationToken) =>
        plugin.CallAsync(PluginMethods.Network.DeleteNetwork, new DeleteNetworkRequest(networkId),
            Json.DeleteNetworkRequest, Json.DeleteNetworkResponse, cancellationToken);

    public async Task<IReadOnlyDictionary<string, JsonElement>> EndpointOperInfoAsync(string networkId, string endpointId,
        CancellationToken cancellationToken)
    {
        // A 404 is empty info, not a failed container start (docs/decisions.md, "EndpointOperInfo 404").
        var reply = await plugin.CallOptionalAsync(PluginMethods.Network.EndpointOperInfo,
            new EndpointOperInfoRequest(networkId, endpointId), Json.EndpointOperInfoRequest, Json.EndpointOperInfoResponse,
            cancellationToken).ConfigureAwait(false);
        return reply?.Value ?? NoInfo;
    }

    public Task DeleteEndpointAsync(string networkId, string endpointId, CancellationToken cancellationToken) =>
        plugin.CallAsync(PluginMethods.Network.DeleteEndpoint, new DeleteEndpointRequest(networkId, endpointId),
            Json.DeleteEndpointRequest, Json.DeleteEndpointResponse, cancellationToken);

    public Task LeaveAsync(string networkId, string endpointId, CancellationToken cancellationToken) =>
        plugin.CallAsync(PluginMethods.Network.Leave, new LeaveRequest(networkId, endpointId),
            Json.LeaveRequest, Json.LeaveResponse, cancellationToken);

    public Task ProgramExternalConnectivityAsync(string networkId, string endpointId, IReadOnlyDictionary<string, JsonElement> options,
        CancellationToken cancellationToken) =>
        plugin.CallOptionalAsync(PluginMethods.Network.ProgramExternalConnectivity,
            new ProgramExternalConnectivityRequest(networkId, endpointId, options),
            Json.ProgramExternalConnectivityRequest, Json.ProgramExternalConnectivityResponse, cancellationToken);

    public Task RevokeExternalConnectivityAsync(string networkId, string endpointId, CancellationToken cancellationToken) =>
        plugin.CallOptionalAsync(PluginMethods.Network.RevokeExternalConnectivity,
            new RevokeExternalConnectivityRequest(networkId, endpointId),
            Json.RevokeExternalConnectivityRequest, Json.RevokeExternalConnectivityResponse, cancellationToken);

    // 404 tolerated for discovery too (docs/decisions.md, "404").
    public Task DiscoverNewAsync(int discoveryType, JsonElement data, CancellationToken cancellationToken) =>
        plugin.CallOptionalAsync(PluginMethods.Network.DiscoverNew, new DiscoveryNotification(discoveryType, data),
            Json.DiscoveryNotification, Json.DiscoveryResponse, cancellationToken);

    public Task DiscoverDeleteAsync(int discoveryType, JsonElement data, CancellationToken cancellationToken) =>
        plugin.CallOptionalAsync(PluginMethods.Network.DiscoverDelete, new DiscoveryNotification(discoveryType, data),
            Json.DiscoveryNotification, Json.DiscoveryResponse, cancellationToken);

    public async Task<IReadOnlyDictionary<string, string>> AllocateNetworkAsync(CreateNetworkArgs request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var options = request.Options
            .Where(o => o.Value.ValueKind == JsonValueKind.String)
            .ToDictionary(o => o.Key, o => o.Value.GetString()!, StringComparer.Ordinal);
        var reply = await plugin.CallAsync(PluginMethods.Network.AllocateNetwork,
            new AllocateNetworkRequest(request.NetworkId, options, [.. request.IPv4Data.Select(ToWire)], [.. request.IPv6Data.Select(ToWire)]),
            Json.AllocateNetworkRequest, Json.AllocateNetworkResponse, cancellationToken).ConfigureAwait(false);
        return reply.Options ?? new Dictionary<string, string>();
    }

    public Task FreeNetworkAsync(string networkId, CancellationToken cancellationToken) =>
        plugin.CallAsync(PluginMethods.Network.FreeNetwork, new FreeNetworkRequest(networkId),
            Json.FreeNetworkRequest, Json.FreeNetworkResponse, cancellationToken);

    private static IpamData ToWire(IpamPoolData data) =>
        new(data.AddressSpace, data.Pool.ToString(), data.Gateway?.ToString(),
            data.AuxAddresses?.ToDictionary(a => a.Key, a => a.Value.ToString(), StringComparer.Ordinal));

    private static DriverScope? ParseScope(string? value, string field) => value switch
    {
        DriverScopes.Local => DriverScope.Local,
        DriverScopes.Global => DriverScope.Global,
        _ => null,
    };

    private CnmException InvalidCapability(string field, string? value) =>
        CnmException.InvalidParameter(
            $"plugin \"{Name}\" {PluginMethods.Network.GetCapabilities}: invalid {field} \"{value}\": expecting 'local' or 'global'");
}
