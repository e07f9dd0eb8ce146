namespace Cnm.Daemon.DockerApi.Containers;

/// <summary>
/// Docker's <c>NetworkSettings</c>: the sandbox (its id and namespace path), its ports as Docker shows them
/// (<c>"80/tcp"</c> to the host bindings actually held, null for a port only exposed; <see cref="ContainerPorts"/>),
/// and one entry per network joined.
/// </summary>
internal sealed record ContainerNetworkSettings(string SandboxID, string SandboxKey, Dictionary<string, List<ContainerPortBinding>?> Ports,
    Dictionary<string, ContainerNetwork> Networks);
