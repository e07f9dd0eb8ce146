namespace Cnm.Daemon.DockerApi;

/// <summary>Docker's <c>network.ConfigReference</c>.</summary>
internal sealed record ConfigReference
{
    public string Network { get; init; } = "";
}
