namespace Cnm.Protocol.Tests.Golden;

/// <summary>The protocol examples of spec/examples, copied next to the test assembly.</summary>
internal static class GoldenFiles
{
    public static string Directory { get; } = Path.Combine(AppContext.BaseDirectory, "examples");

    public static string PathOf(string method, string kind) => Path.Combine(Directory, $"{method}.{kind}.json");

    public static string Read(string method, string kind) => File.ReadAllText(PathOf(method, kind));
}
