using System.Text.Json;
using System.Text.Json.Serialization;

namespace Cnm.Protocol.Json;

/// <summary>
/// A Go <c>map[string]string</c>: written with its keys in <see cref="GoMapKeyComparer"/> order; read from an
/// object of strings (a <c>null</c> entry reads as <c>""</c>, as Go decodes it; a key given twice keeps the last value).
/// </summary>
internal sealed class GoStringMapConverter : JsonConverter<IReadOnlyDictionary<string, string>>
{
    public override IReadOnlyDictionary<string, string> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"expected an object of strings, got {reader.TokenType}");
        }

        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.GetString()!;
            reader.Read();
            map[key] = reader.TokenType switch
            {
                JsonTokenType.String => reader.GetString()!,
                JsonTokenType.Null => "",
                _ => throw new JsonException($"the value of \"{key}\" must be a string, got {reader.TokenType}"),
            };
        }

        return map;
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyDictionary<string, string> value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var (key, text) in Sorted(value))
        {
            writer.WriteString(key, text);
        }

        writer.WriteEndObject();
    }

    /// <summary>The entries of <paramref name="map"/> in Go's key order.</summary>
    internal static KeyValuePair<string, TValue>[] Sorted<TValue>(IReadOnlyDictionary<string, TValue> map)
    {
        var entries = new KeyValuePair<string, TValue>[map.Count];
        var i = 0;
        foreach (var entry in map)
        {
            entries[i++] = entry;
        }

        if (entries.Length > 1)
        {
            Array.Sort(entries, static (a, b) => GoMapKeyComparer.Instance.Compare(a.Key, b.Key));
        }

        return entries;
    }
}
