namespace Cnm.Daemon.DockerApi;

/// <summary>The <c>Platform</c> of <c>GET /version</c>, which the docker CLI prints after <c>Server:</c>.</summary>
internal sealed record PlatformResource(string Name);
