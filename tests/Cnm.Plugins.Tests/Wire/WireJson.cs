using System.Text.Json;

namespace Cnm.Plugins.Tests.Wire;

/// <summary>
/// Structural JSON equality (exact, case-sensitive names; same key sets; order and spacing ignored) and
/// a compactness check, for comparing wire bodies with the golden examples.
/// </summary>
internal static class WireJson
{
    public static string? FindDifference(string expected, string actual)
    {
        using var e = JsonDocument.Parse(expected);
        using var a = JsonDocument.Parse(actual);
        return FindDifference(e.RootElement, a.RootElement, "$");
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

    private static string? FindDifference(JsonElement expected, JsonElement actual, string path)
    {
        if (expected.ValueKind != actual.ValueKind)
        {
            return $"{path}: expected {expected.ValueKind}, got {actual.ValueKind} ({actual.GetRawText()})";
        }

        switch (expected.ValueKind)
        {
            case JsonValueKind.Object:
                var e = expected.EnumerateObject().ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);
                var a = actual.EnumerateObject().ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);
                if (e.Keys.FirstOrDefault(k => !a.ContainsKey(k)) is { } missing)
                {
                    return $"{path}: key \"{missing}\" is missing";
                }

                if (a.Keys.FirstOrDefault(k => !e.ContainsKey(k)) is { } extra)
                {
                    return $"{path}: unexpected key \"{extra}\"";
                }

                return e.Select(p => FindDifference(p.Value, a[p.Key], $"{path}.{p.Key}")).FirstOrDefault(d => d is not null);

            case JsonValueKind.Array:
                var ei = expected.EnumerateArray().ToList();
                var ai = actual.EnumerateArray().ToList();
                return ei.Count != ai.Count
                    ? $"{path}: expected {ei.Count} items, got {ai.Count}"
                    : ei.Select((item, i) => FindDifference(item, ai[i], $"{path}[{i}]")).FirstOrDefault(d => d is not null);

            case JsonValueKind.String:
                return expected.GetString() == actual.GetString() ? null
                    : $"{path}: expected {expected.GetRawText()}, got {actual.GetRawText()}";

            case JsonValueKind.Number:
                var same = expected.GetRawText() == actual.GetRawText()
                    || (expected.TryGetDecimal(out var x) && actual.TryGetDecimal(out var y) && x == y);
                return same ? null : $"{path}: expected {expected.GetRawText()}, got {actual.GetRawText()}";

            default:
                return null;
        }
    }
}
