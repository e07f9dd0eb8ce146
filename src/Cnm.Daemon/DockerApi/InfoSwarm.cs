namespace Cnm.Daemon.DockerApi;

/// <summary><c>/info</c>'s <c>Swarm</c>: cnmd is never part of a swarm.</summary>
internal sealed record InfoSwarm
{
    public string NodeID { get; init; } = "";
    public string NodeAddr { get; init; } = "";
    public string LocalNodeState { get; init; } = "inactive";
    public bool ControlAvailable { get; init; }
    public string Error { get; init; } = "";
    public List<string>? RemoteManagers { get; init; }
}
