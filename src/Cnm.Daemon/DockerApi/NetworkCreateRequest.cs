namespace Cnm.Daemon.DockerApi;

/// <summary>Body of <c>POST /networks/create</c>, as the docker CLI sends it (Docker's <c>network.CreateRequest</c>).</summary>
internal sealed record NetworkCreateRequest
{
    public string? Name { get; init; }
    public string? Driver { get; init; }
    public string? Scope { get; init; }
    public bool? EnableIPv4 { get; init; }
    public bool? EnableIPv6 { get; init; }
    public IpamRequest? IPAM { get; init; }
    public bool? Internal { get; init; }
    public bool? Attachable { get; init; }
    public bool? Ingress { get; init; }
    public bool? ConfigOnly { get; init; }
    public ConfigReference? ConfigFrom { get; init; }
    public Dictionary<string, string>? Options { get; init; }
    public Dictionary<string, string>? Labels { get; init; }
    public bool? CheckDuplicate { get; init; }
}
