namespace Cnm.Daemon.DockerApi.Containers;

/// <summary>Docker's <c>State</c> of a container, as a sandbox's: running.</summary>
internal sealed record ContainerState
{
    public string Status { get; init; } = "running";
    public bool Running { get; init; } = true;
    public bool Paused { get; init; }
    public bool Restarting { get; init; }
    public bool OOMKilled { get; init; }
    public bool Dead { get; init; }
    public int Pid { get; init; }
    public int ExitCode { get; init; }
    public string Error { get; init; } = "";
}
