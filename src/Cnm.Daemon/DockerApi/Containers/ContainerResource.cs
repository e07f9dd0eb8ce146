namespace Cnm.Daemon.DockerApi.Containers;

/// <summary>
/// Answer of <c>GET /containers/{id}/json</c> for a Cnm sandbox: the part of Docker's <c>ContainerJSON</c> that network
/// plugins read (spec/daemon-api.md, "Containers"). A sandbox exists only while its container runs, so it is running.
/// </summary>
internal sealed record ContainerResource(
    string Id,
    string Name,
    ContainerState State,
    ContainerConfig Config,
    ContainerNetworkSettings NetworkSettings);
