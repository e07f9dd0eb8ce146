using System.Text.Json;
using System.Text.Json.Serialization;
using Cnm.Protocol.Network;

namespace Cnm.Protocol.Json;

/// <summary>
/// A Go <c>map[string]interface{}</c> of generic options: written with its keys in <see cref="GoMapKeyComparer"/>
/// order and each value through <see cref="GoMapWriter"/> (nested objects sorted too), except the values of
/// <see cref="StructValuedOptions"/>, which are Go structs and keep the order they were built in.
/// Read as raw JSON values, each kept unchanged.
/// </summary>
internal sealed class GoOptionsConverter : JsonConverter<IReadOnlyDictionary<string, JsonElement>>
{
    public override IReadOnlyDictionary<string, JsonElement> Read(ref Utf8JsonReader reader, Type typeToConvert,
        JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"expected an object, got {reader.TokenType}");
        }

        var map = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.GetString()!;
            reader.Read();
            map[key] = JsonElement.ParseValue(ref reader);
        }

        return map;
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyDictionary<string, JsonElement> value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var (key, element) in GoStringMapConverter.Sorted(value))
        {
            writer.WritePropertyName(key);
            if (StructValuedOptions.Contains(key))
            {
                element.WriteTo(writer);
            }
            else
            {
                GoMapWriter.Write(writer, element);
            }
        }

        writer.WriteEndObject();
    }
}
