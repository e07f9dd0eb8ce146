using System.Text.Json.Serialization;

namespace Cnm.Daemon.Http;

/// <summary>Docker's error body; the CLI prints it as <c>Error response from daemon: MESSAGE</c>.</summary>
internal sealed record ErrorBody([property: JsonPropertyName("message")] string Message);
