namespace Cnm.Daemon.DockerApi;

/// <summary>The parts of Docker's <c>network.EndpointSettings</c> that Cnm uses; the rest is ignored.</summary>
internal sealed record EndpointSettings
{
    public EndpointIpamConfig? IPAMConfig { get; init; }
    public List<string>? Aliases { get; init; }
    public string? MacAddress { get; init; }
    public Dictionary<string, string>? DriverOpts { get; init; }
}
