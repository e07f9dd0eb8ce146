using System.Text;
using System.Text.Json;

namespace Cnm.Testing;

/// <summary>One call a <see cref="RecordingPlugin"/> received, in arrival order.</summary>
/// <param name="Sequence">0 for the first call the plugin ever received, then 1, 2, …</param>
/// <param name="Method">The service method, e.g. <c>NetworkDriver.Join</c>.</param>
/// <param name="Body">The request body as sent (empty for calls without arguments).</param>
/// <remarks>Assert exact bodies with <see cref="WireAssert"/>.</remarks>
public sealed record PluginCall(int Sequence, string Method, string Body)
{
    private readonly byte[]? _bytes;

    /// <summary>The body's bytes exactly as they arrived (for a call not read off the wire: the UTF-8 of <see cref="Body"/>).</summary>
    public byte[] Bytes
    {
        get => _bytes ?? Encoding.UTF8.GetBytes(Body);
        init => _bytes = value;
    }

    /// <summary>The body parsed; throws for an empty body.</summary>
    public JsonElement Json()
    {
        using var document = JsonDocument.Parse(Body);
        return document.RootElement.Clone();
    }

    /// <summary>A top-level string member of the body, or null.</summary>
    public string? Text(string property) =>
        Body.Length > 0 && Json() is { ValueKind: JsonValueKind.Object } root
            && root.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    public override string ToString() => $"#{Sequence} {Method} {Body}";
}
