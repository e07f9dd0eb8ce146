using System.Text.Json;

namespace Cnm.Cli.Tests;

/// <summary>Reading cnm's output in tests.</summary>
internal static class CliOutput
{
    /// <summary>Parses <c>--format json</c> output.</summary>
    public static JsonElement Json(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    /// <summary>The non-empty lines of a table.</summary>
    public static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
