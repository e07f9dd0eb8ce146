namespace Cnm.Daemon.DockerApi;

/// <summary>Answer of <c>GET /version</c>, the fields the docker CLI prints.</summary>
internal sealed record VersionResponse(string Version, string ApiVersion, string MinAPIVersion, string Os, string Arch,
    string GitCommit, string GoVersion, string KernelVersion);
