namespace Cnm.Daemon.DockerApi.Containers;

/// <summary>Docker's <c>NetworkSettings</c>: the sandbox (its id and namespace path) and one entry per network joined.</summary>
internal sealed record ContainerNetworkSettings(string SandboxID, string SandboxKey, Dictionary<string, ContainerNetwork> Networks);
