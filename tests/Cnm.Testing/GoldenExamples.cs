namespace Cnm.Testing;

/// <summary>
/// The golden protocol examples of spec/examples, which test projects copy to &lt;output&gt;/examples
/// (<c>&lt;None Include="../../spec/examples/*.json" LinkBase="examples" CopyToOutputDirectory="PreserveNewest" /&gt;</c>).
/// Each file holds the exact bytes of one body on the wire: compact JSON, as Go's encoder writes it, then one newline.
/// </summary>
public static class GoldenExamples
{
    public static string Directory { get; } = Path.Combine(AppContext.BaseDirectory, "examples");

    public static string PathOf(string method, string kind) => Path.Combine(Directory, $"{method}.{kind}.json");

    /// <summary>The file's text, trailing newline included.</summary>
    public static string Read(string method, string kind) => File.ReadAllText(PathOf(method, kind));

    /// <summary>The file's bytes: the body exactly as it goes on the wire.</summary>
    public static byte[] ReadBytes(string method, string kind) => File.ReadAllBytes(PathOf(method, kind));

    public static string? TryRead(string method, string kind)
    {
        var path = PathOf(method, kind);
        return File.Exists(path) ? File.ReadAllText(path) : null;
    }
}
