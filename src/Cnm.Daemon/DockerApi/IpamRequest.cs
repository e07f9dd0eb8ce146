namespace Cnm.Daemon.DockerApi;

/// <summary>Docker's <c>network.IPAM</c>: the IPAM driver, its options, and the pools (IPv4 and IPv6 mixed).</summary>
internal sealed record IpamRequest
{
    public string? Driver { get; init; }
    public Dictionary<string, string>? Options { get; init; }
    public List<IpamPoolConfig>? Config { get; init; }
}
