namespace Cnm.Linux.Firewall;

/// <summary>
/// The firewall of the built-in bridge driver. Every change is one atomic batch; what one network or
/// endpoint adds, its removal takes away exactly, and nothing else. Implementations run their work in the
/// host network namespace they were created for.
/// </summary>
public interface IBridgeFirewall
{
    /// <summary>
    /// Adds or replaces the rules of one bridge network: masquerade, inter-container connectivity, the
    /// internal drop, and isolation from every other bridge network of ours. Idempotent.
    /// </summary>
    Task ApplyNetworkAsync(BridgeNetworkRules rules, CancellationToken cancellationToken);

    /// <summary>Removes every rule of the network, its endpoints' port mappings included. No error when there are none.</summary>
    Task RemoveNetworkAsync(string networkId, CancellationToken cancellationToken);

    /// <summary>Sets the published ports of one endpoint (DNAT, hairpin from the same host), replacing its earlier set.</summary>
    Task ApplyPortsAsync(string networkId, string endpointId, IReadOnlyList<PortMapping> ports, CancellationToken cancellationToken);

    /// <summary>Removes the published ports of one endpoint. No error when there are none.</summary>
    Task RemovePortsAsync(string networkId, string endpointId, CancellationToken cancellationToken);

    /// <summary>The ids of the networks that have rules now, for restore: rules of networks the state does not know are removed.</summary>
    Task<IReadOnlySet<string>> ListNetworksAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The ids of the endpoints of one network that have published ports now, for restore: ports of endpoints the
    /// state does not know are removed with <see cref="RemovePortsAsync"/>. The default (for fakes) knows none.
    /// </summary>
    Task<IReadOnlySet<string>> ListEndpointsAsync(string networkId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlySet<string>>(new HashSet<string>(StringComparer.Ordinal));

    /// <summary>
    /// The published ports of one network's endpoints that the firewall has now, for restore: the host ports of joined
    /// endpoints are held again (the same ones), those of endpoints the state does not have joined are removed. The
    /// default (for fakes) has none.
    /// </summary>
    Task<IReadOnlyList<PublishedHostPort>> ListPortsAsync(string networkId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<PublishedHostPort>>([]);
}
