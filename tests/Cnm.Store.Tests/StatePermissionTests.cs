using System.Runtime.InteropServices;
using Cnm.Core.Store;
using Cnm.Store.Sqlite;

namespace Cnm.Store.Tests;

/// <summary>Issue 10, "State permissions": a new state file is 0600, and so are its WAL and shared-memory files, whatever the umask.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class StatePermissionTests : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private readonly StoreDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Open_NewFileUnderUmask000_StateFileAndWalAre0600()
    {
        var old = umask(0); // the most permissive umask: a file made with the default mode would be 0644 or more
        SqliteKeyValueStore store;
        try
        {
            store = await SqliteKeyValueStore.OpenAsync(_directory.StateFile, null, CancellationToken.None);
        }
        finally
        {
            _ = umask(old);
        }

        await using (store)
        {
            await store.CommitAsync(new StoreTransaction().Put("k", "v"u8.ToArray()), CancellationToken.None);
            Assert.Equal(OwnerOnly, File.GetUnixFileMode(_directory.StateFile));
            Assert.True(File.Exists(_directory.StateFile + "-wal"));
            Assert.Equal(OwnerOnly, File.GetUnixFileMode(_directory.StateFile + "-wal"));
        }
    }

    [DllImport("libc", SetLastError = false)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern uint umask(uint mask);
}
