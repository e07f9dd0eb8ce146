namespace Cnm.Daemon.DockerApi;

/// <summary>Body of <c>POST /networks/{id}/connect</c>; the container is a Cnm sandbox.</summary>
internal sealed record ConnectRequest
{
    public string? Container { get; init; }
    public EndpointSettings? EndpointConfig { get; init; }
}
