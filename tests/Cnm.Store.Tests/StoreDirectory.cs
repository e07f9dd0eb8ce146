namespace Cnm.Store.Tests;

/// <summary>A fresh directory under /tmp for one test's state file, removed on dispose.</summary>
internal sealed class StoreDirectory : IDisposable
{
    public StoreDirectory()
    {
        Path = Directory.CreateTempSubdirectory("cnm-store-").FullName;
    }

    public string Path { get; }

    public string StateFile => System.IO.Path.Combine(Path, "cnm.db");

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
