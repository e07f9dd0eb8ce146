using System.Text.Json.Serialization;

namespace Cnm.Daemon.NativeApi;

/// <summary>Body of <c>POST /cnm/v1/endpoints/{ref}/join</c>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record EndpointJoinRequest
{
    /// <summary>The sandbox: id, name, container id or a unique prefix of either id.</summary>
    public string? Sandbox { get; init; }
}
