namespace Cnm.Daemon.DockerApi.Containers;

/// <summary>One entry of <c>NetworkSettings.Networks</c>, keyed by network name: Docker's <c>EndpointSettings</c>.</summary>
internal sealed record ContainerNetwork
{
    public ContainerIpamConfig? IPAMConfig { get; init; }
    public List<string>? Links { get; init; }
    public List<string>? Aliases { get; init; }
    public required string MacAddress { get; init; }
    public Dictionary<string, string>? DriverOpts { get; init; }
    public required string NetworkID { get; init; }
    public required string EndpointID { get; init; }
    public required string Gateway { get; init; }
    public required string IPAddress { get; init; }
    public int IPPrefixLen { get; init; }
    public required string IPv6Gateway { get; init; }
    public required string GlobalIPv6Address { get; init; }
    public int GlobalIPv6PrefixLen { get; init; }
    public List<string>? DNSNames { get; init; }
}
