namespace Cnm.Daemon.DockerApi;

/// <summary>Body of <c>POST /networks/{id}/disconnect</c>.</summary>
internal sealed record DisconnectRequest
{
    public string? Container { get; init; }
    public bool? Force { get; init; }
}
