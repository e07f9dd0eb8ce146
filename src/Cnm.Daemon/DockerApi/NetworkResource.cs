namespace Cnm.Daemon.DockerApi;

/// <summary>Docker's <c>network.Inspect</c> (NetworkResource), for the fields Cnm has.</summary>
internal sealed record NetworkResource
{
    public required string Name { get; init; }
    public required string Id { get; init; }
    public required string Created { get; init; }
    public required string Scope { get; init; }
    public required string Driver { get; init; }
    public bool EnableIPv4 { get; init; } = true;
    public bool EnableIPv6 { get; init; }
    public required IpamResource IPAM { get; init; }
    public bool Internal { get; init; }
    public bool Attachable { get; init; }
    public bool Ingress { get; init; }
    public ConfigReference ConfigFrom { get; init; } = new();
    public bool ConfigOnly { get; init; }
    public required Dictionary<string, EndpointResource> Containers { get; init; }
    public required Dictionary<string, string> Options { get; init; }
    public required Dictionary<string, string> Labels { get; init; }

    /// <summary>Cnm's addition: whether the network's drivers are there (<see cref="CnmStatusResource"/>).</summary>
    public required CnmStatusResource CnmStatus { get; init; }
}
