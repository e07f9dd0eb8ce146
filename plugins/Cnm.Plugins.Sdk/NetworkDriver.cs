using Cnm.Protocol.Network;

namespace Cnm.Plugins.Sdk;

/// <summary>
/// A remote network driver (<c>NetworkDriver.*</c>). Override the six required methods; the optional ones
/// answer what a plugin that does not need them answers. Map it with
/// <see cref="PluginEndpointRouteBuilderExtensions.MapNetworkDriver(Microsoft.AspNetCore.Routing.IEndpointRouteBuilder, NetworkDriver)"/>.
/// </summary>
/// <remarks>
/// A method that throws makes the call fail: the host gets status 500 and <c>{"Err":"&lt;message&gt;"}</c>.
/// Methods may run concurrently; the host never serialises calls for you.
/// </remarks>
public abstract class NetworkDriver
{
    /// <summary>
    /// <c>GetCapabilities</c>, called once per activation. Default: <c>{"Scope":"local"}</c> (a single-host
    /// driver; the connectivity scope then copies the scope).
    /// </summary>
    public virtual Task<NetworkCapabilitiesResponse> GetCapabilitiesAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new NetworkCapabilitiesResponse(DriverScopes.Local));

    /// <summary><c>CreateNetwork</c>: the IPAM pools are already allocated (<see cref="CreateNetworkRequest.IPv4Data"/>).</summary>
    public abstract Task CreateNetworkAsync(CreateNetworkRequest request, CancellationToken cancellationToken);

    /// <summary><c>DeleteNetwork</c>. Should succeed for a network it no longer knows (deletes are retried).</summary>
    public abstract Task DeleteNetworkAsync(DeleteNetworkRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// <c>CreateEndpoint</c>. Return <c>new CreateEndpointResponse()</c> when the host already gave the addresses;
    /// an <see cref="CreateEndpointResponse.Interface"/> may only fill fields the request left empty.
    /// </summary>
    public abstract Task<CreateEndpointResponse> CreateEndpointAsync(CreateEndpointRequest request,
        CancellationToken cancellationToken);

    /// <summary><c>DeleteEndpoint</c>. Should succeed for an endpoint it no longer knows.</summary>
    public abstract Task DeleteEndpointAsync(DeleteEndpointRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// <c>Join</c>: name the interface to move into the sandbox (<see cref="JoinResponse.InterfaceName"/>), the
    /// gateways and static routes.
    /// </summary>
    public abstract Task<JoinResponse> JoinAsync(JoinRequest request, CancellationToken cancellationToken);

    /// <summary><c>Leave</c>: the endpoint leaves its sandbox.</summary>
    public abstract Task LeaveAsync(LeaveRequest request, CancellationToken cancellationToken);

    /// <summary><c>EndpointOperInfo</c>. Default: <c>{"Value":{}}</c> (nothing to report).</summary>
    public virtual Task<EndpointOperInfoResponse> EndpointOperInfoAsync(EndpointOperInfoRequest request,
        CancellationToken cancellationToken) =>
        Task.FromResult(new EndpointOperInfoResponse(new Dictionary<string, System.Text.Json.JsonElement>()));

    /// <summary><c>AllocateNetwork</c> (swarm managers of global-scope drivers only). Default: <c>{}</c>, no options.</summary>
    public virtual Task<AllocateNetworkResponse> AllocateNetworkAsync(AllocateNetworkRequest request,
        CancellationToken cancellationToken) => Task.FromResult(new AllocateNetworkResponse());

    /// <summary><c>FreeNetwork</c> (swarm managers only). Default: success.</summary>
    public virtual Task FreeNetworkAsync(FreeNetworkRequest request, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    /// <summary><c>DiscoverNew</c> (multi-host drivers only). Default: success, ignored.</summary>
    public virtual Task DiscoverNewAsync(DiscoveryNotification notification, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    /// <summary><c>DiscoverDelete</c> (multi-host drivers only). Default: success, ignored.</summary>
    public virtual Task DiscoverDeleteAsync(DiscoveryNotification notification, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    /// <summary><c>ProgramExternalConnectivity</c> (port mappings). Default: success, nothing programmed.</summary>
    public virtual Task ProgramExternalConnectivityAsync(ProgramExternalConnectivityRequest request,
        CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary><c>RevokeExternalConnectivity</c>. Default: success.</summary>
    public virtual Task RevokeExternalConnectivityAsync(RevokeExternalConnectivityRequest request,
        CancellationToken cancellationToken) => Task.CompletedTask;
}
