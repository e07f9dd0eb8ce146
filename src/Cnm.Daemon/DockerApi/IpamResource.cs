namespace Cnm.Daemon.DockerApi;

/// <summary>The <c>IPAM</c> object of a network in answers.</summary>
internal sealed record IpamResource(string Driver, Dictionary<string, string> Options, List<IpamPoolConfig> Config);
