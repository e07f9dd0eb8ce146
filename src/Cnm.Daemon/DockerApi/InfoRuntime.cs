namespace Cnm.Daemon.DockerApi;

/// <summary>An OCI runtime of <c>/info</c>; cnmd lists none.</summary>
internal sealed record InfoRuntime(string Path);
