using System.Text.Json;

namespace Cnm.Protocol.Json;

/// <summary>
/// Writes free-form JSON values as the reference host would after holding them as Go maps
/// (<c>map[string]interface{}</c>): the keys of every object, at every depth, in
/// <see cref="GoMapKeyComparer"/> order, and of a key given twice only the last value (a map has each key once).
/// Arrays keep their order; numbers are written as Go writes the float64 it decodes them to (<see cref="GoNumbers"/>);
/// strings, booleans and null as they are, through the writer's encoder.
/// </summary>
internal static class GoMapWriter
{
    public static void Write(Utf8JsonWriter writer, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                WriteObject(writer, value);
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in value.EnumerateArray())
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.Number:
                GoNumbers.Write(writer, value);
                break;
            default:
                value.WriteTo(writer);
                break;
        }
    }

    private static void WriteObject(Utf8JsonWriter writer, JsonElement value)
    {
        var members = new (string Name, int Index, JsonElement Value)[value.GetPropertyCount()];
        var count = 0;
        foreach (var property in value.EnumerateObject())
        {
            members[count] = (property.Name, count, property.Value);
            count++;
        }

        // Index breaks ties, so among equal names the last one given ends a run and is the one kept.
        Array.Sort(members, static (a, b) =>
        {
            var byName = GoMapKeyComparer.Instance.Compare(a.Name, b.Name);
            return byName != 0 ? byName : a.Index.CompareTo(b.Index);
        });

        writer.WriteStartObject();
        for (var i = 0; i < members.Length; i++)
        {
            if (i + 1 < members.Length && string.Equals(members[i].Name, members[i + 1].Name, StringComparison.Ordinal))
            {
                continue;
            }

            writer.WritePropertyName(members[i].Name);
            Write(writer, members[i].Value);
        }

        writer.WriteEndObject();
    }
}
