using System.Text;
using System.Text.Json;

namespace Cnm.Plugins.Sdk.Tests;

/// <summary>
/// What Go's <c>json.Encoder</c> writes for a golden answer: compact, struct fields in declaration order (the
/// golden files list them so), the keys of a Go map (<c>Options</c>, <c>Value</c>, <c>Data</c>, and every object
/// below them) sorted by byte order, then a newline.
/// </summary>
internal static class GoEncoding
{
    private static readonly HashSet<string> MapMembers = ["Options", "Value", "Data", "AuxAddresses"];

    public static string Encode(string json)
    {
        using var document = JsonDocument.Parse(json);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            Write(writer, document.RootElement, sorted: false);
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static void Write(Utf8JsonWriter writer, JsonElement element, bool sorted)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                var properties = element.EnumerateObject().ToList();
                if (sorted)
                {
                    properties.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
                }

                foreach (var property in properties)
                {
                    writer.WritePropertyName(property.Name);
                    Write(writer, property.Value, sorted || MapMembers.Contains(property.Name));
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    Write(writer, item, sorted);
                }

                writer.WriteEndArray();
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }
}
