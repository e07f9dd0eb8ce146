namespace Cnm.Testing;

/// <summary>
/// A fresh directory under /tmp, removed on dispose. Paths stay short because unix socket paths
/// are limited to 107 bytes.
/// </summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory(string prefix = "cnm")
    {
        Path = Directory.CreateTempSubdirectory(prefix + "-").FullName;
    }

    public string Path { get; }

    public string File(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public string CreateDirectory(params string[] parts) => Directory.CreateDirectory(File(parts)).FullName;

    public string WriteFile(string relativePath, string contents)
    {
        var path = File(relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllText(path, contents);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
