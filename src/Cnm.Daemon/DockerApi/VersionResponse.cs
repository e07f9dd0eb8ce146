namespace Cnm.Daemon.DockerApi;

/// <summary>Answer of <c>GET /version</c>: Docker's <c>types.Version</c>, its fields in Docker's order.</summary>
internal sealed record VersionResponse(
    PlatformResource Platform,
    List<ComponentVersion> Components,
    string Version,
    string ApiVersion,
    string MinAPIVersion,
    string GitCommit,
    string GoVersion,
    string Os,
    string Arch,
    string KernelVersion,
    string BuildTime);
