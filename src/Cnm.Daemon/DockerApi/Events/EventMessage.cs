using System.Text.Json.Serialization;

namespace Cnm.Daemon.DockerApi.Events;

/// <summary>
/// One message of <c>GET /events</c>: Docker's <c>events.Message</c> in its field order. The legacy <c>status</c>,
/// <c>id</c> and <c>from</c> fields exist only on container events, so network events leave them out, as Docker does.
/// </summary>
internal sealed record EventMessage(
    string Type,
    string Action,
    EventActor Actor,
    [property: JsonPropertyName("scope")] string Scope,
    [property: JsonPropertyName("time")] long Time,
    [property: JsonPropertyName("timeNano")] long TimeNano);
