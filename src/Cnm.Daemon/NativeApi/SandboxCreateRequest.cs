using System.Text.Json;

namespace Cnm.Daemon.NativeApi;

/// <summary>Body of <c>POST /cnm/v1/sandboxes</c>.</summary>
internal sealed record SandboxCreateRequest
{
    public string? ContainerId { get; init; }
    public string? Name { get; init; }
    public string? Hostname { get; init; }

    /// <summary>Docker's container shape: <c>{"80/tcp":{}}</c>; the values are ignored.</summary>
    public Dictionary<string, JsonElement>? ExposedPorts { get; init; }

    /// <summary>Docker's host-config shape: <c>{"80/tcp":[{"HostIp":"","HostPort":"8080"}]}</c>.</summary>
    public Dictionary<string, List<HostPortBinding>?>? PortBindings { get; init; }

    /// <summary>True: the sandbox shares the host network namespace (Docker's <c>--network host</c>) instead of getting its own.</summary>
    public bool? HostNetwork { get; init; }
}
