namespace Cnm.Core.Drivers;

/// <summary>
/// A network driver, built in or remote; the controller cannot tell them apart. The verbs are
/// libnetwork's. Optional abilities are separate interfaces: <see cref="IExternalConnectivityDriver"/>,
/// <see cref="IDiscoveryDriver"/>, <see cref="INetworkAllocator"/>.
/// </summary>
public interface INetworkDriver
{
    /// <summary>Creates a network whose IPAM data is already allocated.</summary>
    Task CreateNetworkAsync(CreateNetworkArgs request, CancellationToken cancellationToken);

    /// <summary>Deletes a network.</summary>
    Task DeleteNetworkAsync(string networkId, CancellationToken cancellationToken);

    /// <summary>
    /// Creates an endpoint. <paramref name="endpointInterface"/> may be pre-filled (static or IPAM address,
    /// MAC): the driver must honour it or reject the request, never override it. Empty fields the driver may fill.
    /// </summary>
    Task CreateEndpointAsync(CreateEndpointArgs request, IEndpointInterface endpointInterface,
        CancellationToken cancellationToken);

    /// <summary>Operational data of an endpoint, for inspection.</summary>
    Task<IReadOnlyDictionary<string, System.Text.Json.JsonElement>> EndpointOperInfoAsync(string networkId, string endpointId,
        CancellationToken cancellationToken);

    /// <summary>Deletes an endpoint.</summary>
    Task DeleteEndpointAsync(string networkId, string endpointId, CancellationToken cancellationToken);

    /// <summary>Attaches an endpoint to a sandbox; the driver answers through <paramref name="joinInfo"/>.</summary>
    Task JoinAsync(JoinArgs request, IJoinInfo joinInfo, CancellationToken cancellationToken);

    /// <summary>Detaches an endpoint from its sandbox.</summary>
    Task LeaveAsync(string networkId, string endpointId, CancellationToken cancellationToken);
}
