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
internal sealed record SandboxCreateBody(string ContainerId, string? Name,
    Dictionary<string, Dictionary<string, string>>? ExposedPorts = null, Dictionary<string, List<HostBindingBody>>? PortBindings = null);

/// <summary>One host binding of a published port, Docker's shape.</summary>
internal sealed record HostBindingBody(string HostIp, string HostPort);

/// <summary>The native endpoint create body.</summary>
internal sealed record EndpointCreateBody(string Network, string Name, string? IPv4Address, string? IPv6Address, string? MacAddress,
    Dictionary<string, string> Options, List<string> Aliases);

/// <summary>The native endpoint join body.</summary>
internal sealed record EndpointJoinBody(string Sandbox);

/// <summary>Source-generated serialization for the request bodies cnm sends.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(NetworkCreateBody))]
[JsonSerializable(typeof(ConnectBody))]
[JsonSerializable(typeof(DisconnectBody))]
[JsonSerializable(typeof(SandboxCreateBody))]
[JsonSerializable(typeof(EndpointCreateBody))]
[JsonSerializable(typeof(EndpointJoinBody))]
internal sealed partial class CliJsonContext : JsonSerializerContext;

/// <summary>A plugin as <c>GET /cnm/v1/plugins[/{name}]</c> answers it.</summary>
internal sealed record PluginView(string Name, string State, string? Address, string? Source, List<string> Implements,
    int Activations, string? LastError, string Since, string? Scope, long Calls, long Errors, List<PluginMethodView>? Methods);

/// <summary>The calls of one plugin method, durations in milliseconds.</summary>
internal sealed record PluginMethodView(string Method, long Calls, long Errors, Dictionary<string, long> ErrorsByCategory,
    string? LastError, string? LastErrorAt, double MeanMs, double P50Ms, double P99Ms, double MaxMs);

/// <summary>A pool as <c>GET /cnm/v1/ipam/pools</c> answers it.</summary>
internal sealed record IpamPoolView(string Network, string NetworkId, string NetworkDriver, string Driver, string AddressSpace,
    string PoolId, string Family, string Pool, string? IpRange, string? Gateway, IpamUsageView? Usage);

/// <summary>How full a pool is.</summary>
internal sealed record IpamUsageView(ulong Total, ulong Used, ulong Free, int References);

/// <summary>What is stored, as <c>GET /cnm/v1/system/df</c> answers it.</summary>
internal sealed record SystemDfView(string StateFile, long Size, long WalSize, long Revision, int Keys,
    int Networks, int Endpoints, int Sandboxes, int IpamPools, int Intents, int PendingCalls, List<OwedCallView>? OwedCalls);

/// <summary>A driver call owed to a driver that could not be reached, with its attempts and next attempt.</summary>
internal sealed record OwedCallView(string Driver, string Method, string Call, string? Reason, int Attempts, DateTimeOffset NextAttempt);

/// <summary>Source-generated reading of the native plugin, IPAM and system answers.</summary>
[JsonSerializable(typeof(SystemDfView))]
[JsonSerializable(typeof(List<PluginView>))]
[JsonSerializable(typeof(PluginView))]
[JsonSerializable(typeof(List<IpamPoolView>))]
internal sealed partial class CliViewJsonContext : JsonSerializerContext;

/// <summary>Source-generated, indented output of <c>inspect</c> (no reflection, so cnm can be compiled ahead of time).</summary>
[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(List<JsonElement>))]
internal sealed partial class CliOutputJsonContext : JsonSerializerContext;
