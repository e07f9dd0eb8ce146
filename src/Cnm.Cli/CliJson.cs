using System.Text.Json;
using System.Text.Json.Serialization;

namespace Cnm.Cli;

/// <summary>Docker's network create body, with the daemon's PascalCase field names.</summary>
internal sealed record NetworkCreateBody(
    string Name,
    string Driver,
    bool EnableIPv6,
    bool Internal,
    bool Attachable,
    IpamBody IPAM,
    Dictionary<string, string> Options,
    Dictionary<string, string> Labels);

/// <summary>The IPAM part of a network create body.</summary>
internal sealed record IpamBody(string Driver, Dictionary<string, string> Options, List<IpamConfigBody> Config);

/// <summary>One IPAM pool request.</summary>
internal sealed record IpamConfigBody(string Subnet)
{
    public string? IPRange { get; set; }

    public string? Gateway { get; set; }

    public Dictionary<string, string>? AuxiliaryAddresses { get; set; }
}

/// <summary>Docker's network connect body.</summary>
internal sealed record ConnectBody(string Container, EndpointConfigBody EndpointConfig);

/// <summary>The endpoint settings of a connect.</summary>
internal sealed record EndpointConfigBody(EndpointIpamBody IPAMConfig, List<string> Aliases);

/// <summary>Static addresses of a connect.</summary>
internal sealed record EndpointIpamBody(string IPv4Address, string IPv6Address);

/// <summary>Docker's network disconnect body.</summary>
internal sealed record DisconnectBody(string Container, bool Force);

/// <summary>The native sandbox create body.</summary>
internal sealed record SandboxCreateBody(string ContainerId, string? Name);

/// <summary>Source-generated serialization for the request bodies cnm sends.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(NetworkCreateBody))]
[JsonSerializable(typeof(ConnectBody))]
[JsonSerializable(typeof(DisconnectBody))]
[JsonSerializable(typeof(SandboxCreateBody))]
internal sealed partial class CliJsonContext : JsonSerializerContext;

/// <summary>Source-generated, indented output of <c>inspect</c> (no reflection, so cnm can be compiled ahead of time).</summary>
[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(List<JsonElement>))]
internal sealed partial class CliOutputJsonContext : JsonSerializerContext;
