namespace Cnm.Testing;

/// <summary>Finds the programs the tests start: the JIT builds next to the test project, or native builds named by variables.</summary>
public static class BuiltArtifacts
{
    /// <summary>
    /// <paramref name="file"/> as built from <c>src/<paramref name="project"/></c> in the same configuration and
    /// target framework as the running test assembly.
    /// </summary>
    public static string Dll(string project, string file)
    {
        var baseDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/'));
        var configuration = baseDir.Parent!.Name;
        var root = baseDir;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Plugins.sln")))
        {
            root = root.Parent;
        }

        var dll = Path.Combine(root!.FullName, "src", project, "bin", configuration, baseDir.Name, file);
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"{project} is not built: {dll}");
    }

    /// <summary>The full path of the file the environment variable names, or null when it is unset or empty.</summary>
    public static string? FromEnvironment(string variable)
    {
        var path = Environment.GetEnvironmentVariable(variable);
        return string.IsNullOrEmpty(path) ? null
            : File.Exists(path) ? Path.GetFullPath(path)
            : throw new FileNotFoundException($"{variable} names no file: {path}");
    }
}
