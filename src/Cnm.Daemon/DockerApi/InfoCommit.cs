namespace Cnm.Daemon.DockerApi;

/// <summary>A component commit of <c>/info</c> (containerd, runc, init): cnmd has none of them.</summary>
internal sealed record InfoCommit
{
    public string ID { get; init; } = "";
}
