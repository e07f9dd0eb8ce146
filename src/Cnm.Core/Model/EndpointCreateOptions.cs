namespace Cnm.Core.Model;

/// <summary>What an endpoint is created with.</summary>
public sealed record EndpointCreateOptions
{
    /// <summary>Name, unique within the network.</summary>
    public required string Name { get; init; }

    /// <summary>A static IPv4 address (no prefix length).</summary>
    public string? IPv4Address { get; init; }

    /// <summary>A static IPv6 address (no prefix length).</summary>
    public string? IPv6Address { get; init; }

    /// <summary>A MAC address, <c>aa:bb:cc:dd:ee:ff</c>.</summary>
    public string? MacAddress { get; init; }

    /// <summary>Driver options, sent as top-level strings in the endpoint's generic options.</summary>
    public IReadOnlyDictionary<string, string> DriverOptions { get; init; } = new Dictionary<string, string>();

    /// <summary>DNS aliases in the network (kept for the Docker API).</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>
    /// The exposed ports sent in CreateEndpoint's options (<c>com.docker.network.endpoint.exposedports</c>); null
    /// leaves the key out. A connect fills it from the sandbox, as dockerd does.
    /// </summary>
    public IReadOnlyList<TransportPort>? ExposedPorts { get; init; }

    /// <summary>The port map sent in CreateEndpoint's options (<c>com.docker.network.portmap</c>); null leaves the key out.</summary>
    public IReadOnlyList<PortBinding>? PortBindings { get; init; }
}
