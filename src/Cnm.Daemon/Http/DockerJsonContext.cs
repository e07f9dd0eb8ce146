using System.Text.Json.Serialization;
using Cnm.Daemon.DockerApi;
using Cnm.Daemon.NativeApi;

namespace Cnm.Daemon.Http;

/// <summary>
/// JSON for the daemon's HTTP API, Docker's routes and the native ones alike: Docker's PascalCase names as they
/// are (no naming policy), case-insensitive reads as Go's decoder does, nulls left out of answers (Docker's
/// omitempty). Separate from the plugin context on purpose: this is a different wire.
/// </summary>
[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Disallow)]
[JsonSerializable(typeof(NetworkCreateRequest))]
[JsonSerializable(typeof(NetworkCreateResponse))]
[JsonSerializable(typeof(NetworkResource))]
[JsonSerializable(typeof(List<NetworkResource>))]
[JsonSerializable(typeof(ConnectRequest))]
[JsonSerializable(typeof(DisconnectRequest))]
[JsonSerializable(typeof(PruneResponse))]
[JsonSerializable(typeof(ErrorBody))]
[JsonSerializable(typeof(VersionResponse))]
[JsonSerializable(typeof(InfoResponse))]
[JsonSerializable(typeof(DockerApi.Events.EventMessage))]
[JsonSerializable(typeof(DockerApi.Containers.ContainerResource))]
[JsonSerializable(typeof(Dictionary<string, Dictionary<string, bool>>))]
[JsonSerializable(typeof(Dictionary<string, List<string>>))]
[JsonSerializable(typeof(SandboxCreateRequest))]
[JsonSerializable(typeof(SandboxResource))]
[JsonSerializable(typeof(List<SandboxResource>))]
[JsonSerializable(typeof(List<PluginResource>))]
[JsonSerializable(typeof(HealthResource))]
[JsonSerializable(typeof(EndpointCreateRequest))]
[JsonSerializable(typeof(EndpointJoinRequest))]
[JsonSerializable(typeof(NativeEndpointResource))]
[JsonSerializable(typeof(List<NativeEndpointResource>))]
[JsonSerializable(typeof(PluginResource))]
[JsonSerializable(typeof(List<IpamPoolResource>))]
[JsonSerializable(typeof(SystemDfResource))]
internal sealed partial class DockerJsonContext : JsonSerializerContext;
