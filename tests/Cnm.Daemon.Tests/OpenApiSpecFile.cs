using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Cnm.Daemon.Tests;

/// <summary>
/// spec/daemon-api.json: where it is, how it is written (the served document, 2-space indent, \n, trailing
/// newline; its paths and schemas are already in ordinal order), and where it differs from a served document.
/// </summary>
internal static class OpenApiSpecFile
{
    public const string UpdateVariable = "CNM_UPDATE_OPENAPI";

    public const string RegenerateCommand = UpdateVariable + "=1 dotnet test tests/Cnm.Daemon.Tests -c Release --filter OpenApi";

    private static readonly JsonSerializerOptions Pretty = new()
    {
        WriteIndented = true,
        IndentSize = 2,
        NewLine = "\n",
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly string[] Methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

    public static string FilePath
    {
        get
        {
            var root = new DirectoryInfo(AppContext.BaseDirectory);
            while (root is not null && !File.Exists(Path.Combine(root.FullName, "Plugins.sln")))
            {
                root = root.Parent;
            }

            return Path.Combine(root?.FullName ?? throw new InvalidOperationException("no Plugins.sln above " + AppContext.BaseDirectory),
                "spec", "daemon-api.json");
        }
    }

    public static string Format(string document) => JsonNode.Parse(document)!.ToJsonString(Pretty) + "\n";

    /// <summary>Every place where the two documents differ, named by operation (<c>GET /networks</c>), schema or top-level key.</summary>
    public static List<string> Differences(string expected, string actual)
    {
        var e = JsonNode.Parse(expected)!.AsObject();
        var a = JsonNode.Parse(actual)!.AsObject();
        var found = new List<string>();
        var ePaths = e["paths"]?.AsObject() ?? [];
        var aPaths = a["paths"]?.AsObject() ?? [];
        foreach (var path in Keys(ePaths, aPaths))
        {
            var eItem = ePaths[path]?.AsObject() ?? [];
            var aItem = aPaths[path]?.AsObject() ?? [];
            foreach (var key in Keys(eItem, aItem))
            {
                var name = Methods.Contains(key) ? $"{key.ToUpperInvariant()} {path}" : $"path {path}, key {key}";
                Compare(name, eItem[key], aItem[key], found);
            }
        }

        var eSchemas = e["components"]?["schemas"]?.AsObject() ?? [];
        var aSchemas = a["components"]?["schemas"]?.AsObject() ?? [];
        foreach (var schema in Keys(eSchemas, aSchemas))
        {
            Compare("schema " + schema, eSchemas[schema], aSchemas[schema], found);
        }

        foreach (var key in Keys(e, a).Where(k => k != "paths"))
        {
            var (eValue, aValue) = key == "components" ? (Without(e[key], "schemas"), Without(a[key], "schemas")) : (e[key], a[key]);
            Compare(key, eValue, aValue, found);
        }

        return found;
    }

    private static IEnumerable<string> Keys(JsonObject first, JsonObject second) =>
        first.Select(p => p.Key).Union(second.Select(p => p.Key)).Order(StringComparer.Ordinal);

    private static JsonNode? Without(JsonNode? node, string key)
    {
        if (node is not JsonObject obj)
        {
            return node;
        }

        var copy = obj.DeepClone().AsObject();
        copy.Remove(key);
        return copy;
    }

    private static void Compare(string name, JsonNode? expected, JsonNode? actual, List<string> found)
    {
        if (expected is null && actual is null)
        {
            return;
        }

        if (expected is null)
        {
            found.Add($"{name}: only in the served document");
        }
        else if (actual is null)
        {
            found.Add($"{name}: only in spec/daemon-api.json");
        }
        else if (JsonStructure.FindDifference(expected.ToJsonString(), actual.ToJsonString()) is { } difference)
        {
            found.Add($"{name}: differs ({difference})");
        }
    }
}
