namespace Cnm.Testing;

/// <summary>
/// The golden protocol examples of spec/examples, which test projects copy to &lt;output&gt;/examples
/// (<c>&lt;None Include="../../spec/examples/*.json" LinkBase="examples" CopyToOutputDirectory="PreserveNewest" /&gt;</c>).
/// </summary>
public static class GoldenExamples
{
    public static string Directory { get; } = Path.Combine(AppContext.BaseDirectory, "examples");

    public static string PathOf(string method, string kind) => Path.Combine(Directory, $"{method}.{kind}.json");

    public static string Read(string method, string kind) => File.ReadAllText(PathOf(method, kind));

    public static string? TryRead(string method, string kind)
    {
        var path = PathOf(method, kind);
        return File.Exists(path) ? File.ReadAllText(path) : null;
    }
}
