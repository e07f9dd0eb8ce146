using System.Text.Json.Serialization;

namespace Cnm.Protocol.Plugin;

/// <summary>Answer to <c>POST /Plugin.Activate</c> (the request has an empty body).</summary>
/// <param name="Implements">The interfaces the plugin implements, such as <c>NetworkDriver</c>.</param>
public sealed record ActivateResponse(
    [property: JsonPropertyName("Implements")] IReadOnlyList<string>? Implements);
