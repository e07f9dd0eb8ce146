namespace Cnm.Core.Model;

/// <summary>What a sandbox is created with.</summary>
public sealed record SandboxCreateOptions
{
    /// <summary>The container the sandbox belongs to.</summary>
    public required string ContainerId { get; init; }

    /// <summary>A name for people; the container id when unset.</summary>
    public string? Name { get; init; }

    /// <summary>Host name inside the sandbox.</summary>
    public string? Hostname { get; init; }

    /// <summary>DNS servers.</summary>
    public IReadOnlyList<string> Dns { get; init; } = [];

    /// <summary>Extra <c>/etc/hosts</c> lines, <c>name:ip</c>.</summary>
    public IReadOnlyList<string> ExtraHosts { get; init; } = [];

    /// <summary>
    /// The sandbox shares the host network namespace instead of getting its own (Docker's <c>--network host</c>): its
    /// key is a bind mount of the host namespace, and it takes no interface from a driver.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public bool HostNetwork { get; init; }

    /// <summary>Generic labels, sent to drivers in Join and ProgramExternalConnectivity.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// The exposed ports, sent to drivers as <c>com.docker.network.endpoint.exposedports</c> in Join and
    /// ProgramExternalConnectivity, and in CreateEndpoint of a connect. Null leaves the key out (a library caller
    /// that passes no ports); an empty list sends <c>[]</c>, as dockerd does.
    /// </summary>
    public IReadOnlyList<TransportPort>? ExposedPorts { get; init; }

    /// <summary>The published ports, sent as <c>com.docker.network.portmap</c> wherever <see cref="ExposedPorts"/> goes; null leaves the key out.</summary>
    public IReadOnlyList<PortBinding>? PortBindings { get; init; }
}
