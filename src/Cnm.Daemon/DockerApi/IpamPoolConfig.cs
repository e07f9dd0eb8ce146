namespace Cnm.Daemon.DockerApi;

/// <summary>Docker's <c>network.IPAMConfig</c>; empty fields are left out of answers, as Docker's omitempty does.</summary>
internal sealed record IpamPoolConfig
{
    public string? Subnet { get; init; }
    public string? IPRange { get; init; }
    public string? Gateway { get; init; }
    public Dictionary<string, string>? AuxiliaryAddresses { get; init; }
}
