using System.Text;
using System.Text.Json;

namespace Cnm.Plugins.Client;

/// <summary>
/// Reads the body of a non-200 answer the way the reference does: <c>{"Err": "..."}</c> when it is
/// such an object with a non-empty <c>Err</c>, otherwise the raw text.
/// </summary>
internal static class PluginErrorBody
{
    private const int ExcerptChars = 300;

    public static string Describe(ReadOnlySpan<byte> body, int status)
    {
        if (TryReadErr(body) is { } err)
        {
            return err;
        }

        var text = Excerpt(body);
        return text.Length == 0 ? $"HTTP {status} with an empty body" : text;
    }

    public static string Excerpt(ReadOnlySpan<byte> body)
    {
        var text = Encoding.UTF8.GetString(body).Trim();
        return text.Length <= ExcerptChars ? text : string.Concat(text.AsSpan(0, ExcerptChars), "…");
    }

    private static string? TryReadErr(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            using var document = JsonDocument.ParseValue(ref reader);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name.Equals("Err", StringComparison.OrdinalIgnoreCase)
                    && property.Value.ValueKind == JsonValueKind.String
                    && property.Value.GetString() is { Length: > 0 } message)
                {
                    return message;
                }
            }
        }
        catch (JsonException)
        {
        }

        return null;
    }
}
