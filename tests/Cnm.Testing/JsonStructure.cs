using System.Text.Json;

namespace Cnm.Testing;

/// <summary>
/// Structural JSON equality: same kinds, same property names (exact, case-sensitive), same key sets,
/// same values; property order and formatting do not matter.
/// </summary>
public static class JsonStructure
{
    /// <summary>A description of the first difference, or null when both are structurally equal.</summary>
    public static string? FindDifference(string expected, string actual)
    {
        using var e = JsonDocument.Parse(expected);
        using var a = JsonDocument.Parse(actual);
        return FindDifference(e.RootElement, a.RootElement, "$");
    }

    public static string? FindDifference(JsonElement expected, JsonElement actual, string path)
    {
        if (expected.ValueKind != actual.ValueKind)
        {
            return $"{path}: expected {expected.ValueKind} {Show(expected)}, got {actual.ValueKind} {Show(actual)}";
        }

        switch (expected.ValueKind)
        {
            case JsonValueKind.Object:
                var expectedProps = expected.EnumerateObject().ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);
                var actualProps = actual.EnumerateObject().ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);
                foreach (var name in expectedProps.Keys.Where(k => !actualProps.ContainsKey(k)))
                {
                    return $"{path}: key \"{name}\" is missing";
                }

                foreach (var name in actualProps.Keys.Where(k => !expectedProps.ContainsKey(k)))
                {
                    return $"{path}: unexpected key \"{name}\"";
                }

                foreach (var (name, value) in expectedProps)
                {
                    if (FindDifference(value, actualProps[name], $"{path}.{name}") is { } difference)
                    {
                        return difference;
                    }
                }

                return null;

            case JsonValueKind.Array:
                var expectedItems = expected.EnumerateArray().ToList();
                var actualItems = actual.EnumerateArray().ToList();
                if (expectedItems.Count != actualItems.Count)
                {
                    return $"{path}: expected {expectedItems.Count} items, got {actualItems.Count}";
                }

                for (var i = 0; i < expectedItems.Count; i++)
                {
                    if (FindDifference(expectedItems[i], actualItems[i], $"{path}[{i}]") is { } difference)
                    {
                        return difference;
                    }
                }

                return null;

            case JsonValueKind.String:
                return string.Equals(expected.GetString(), actual.GetString(), StringComparison.Ordinal)
                    ? null
                    : $"{path}: expected {Show(expected)}, got {Show(actual)}";

            case JsonValueKind.Number:
                var same = expected.GetRawText() == actual.GetRawText()
                    || (expected.TryGetDecimal(out var x) && actual.TryGetDecimal(out var y) && x == y);
                return same ? null : $"{path}: expected {Show(expected)}, got {Show(actual)}";

            default:
                return null; // true, false, null: the kind says it all
        }
    }

    /// <summary>True when the text has no whitespace outside string values, as Go's encoder writes it.</summary>
    public static bool IsCompact(string json)
    {
        var inString = false;
        for (var i = 0; i < json.Length; i++)
        {
            var c = json[i];
            if (inString)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == '"')
                {
                    inString = false;
                }
            }
            else if (c == '"')
            {
                inString = true;
            }
            else if (c is ' ' or '\t' or '\r' or '\n')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The same JSON with the members of every object in reverse order, except the values of members named in
    /// <paramref name="keepOrderOf"/>, which are copied as they are. A test feeds this to a serializer to show that
    /// the order it writes comes from the rules, not from its input.
    /// </summary>
    public static string ReverseMemberOrder(string json, IReadOnlySet<string> keepOrderOf)
    {
        ArgumentNullException.ThrowIfNull(keepOrderOf);
        using var document = JsonDocument.Parse(json);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteReversed(writer, document.RootElement, keepOrderOf);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteReversed(Utf8JsonWriter writer, JsonElement element, IReadOnlySet<string> keepOrderOf)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject().Reverse())
                {
                    writer.WritePropertyName(property.Name);
                    if (keepOrderOf.Contains(property.Name))
                    {
                        property.Value.WriteTo(writer);
                    }
                    else
                    {
                        WriteReversed(writer, property.Value, keepOrderOf);
                    }
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    WriteReversed(writer, item, keepOrderOf);
                }

                writer.WriteEndArray();
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }

    private static string Show(JsonElement element)
    {
        var text = element.GetRawText();
        return text.Length <= 80 ? text : text[..80] + "…";
    }
}
