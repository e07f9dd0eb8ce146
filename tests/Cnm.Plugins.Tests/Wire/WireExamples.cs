namespace Cnm.Plugins.Tests.Wire;

/// <summary>The golden protocol examples in spec/examples, found by walking up from the test output.</summary>
internal static class WireExamples
{
    private static readonly Lazy<string> ExamplesDirectory = new(Find);

    public static string PathOf(string method, string kind) =>
        Path.Combine(ExamplesDirectory.Value, $"{method}.{kind}.json");

    public static string? TryRead(string method, string kind)
    {
        var path = PathOf(method, kind);
        return File.Exists(path) ? File.ReadAllText(path) : null;
    }

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "spec", "examples");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"spec/examples not found above {AppContext.BaseDirectory}");
    }
}
