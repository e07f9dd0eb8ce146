using System.Net;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using Cnm.Testing;
using static Cnm.Daemon.Tests.NativeEndpointTests;

namespace Cnm.Daemon.Tests;

/// <summary>
/// cnmd on a damaged or unusable state file (spec/store.md, "SQLite: faults"): a corrupt file, a file of a
/// newer schema and a read-only data root each stop start-up with an error that names the file, the reason and
/// what to do, and leave the file as it was. The full disk is in <see cref="StoreFullDiskTests"/>.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class StoreFaultTests() : StatefulDaemonTest("cnmd-fault", "faultp")
{
    [Fact]
    public async Task Start_GarbageStateFile_RefusedNamingFileAndHint_FileUnchanged()
    {
        Directory.CreateDirectory(DataRoot);
        var garbage = new byte[20_000];
        new Random(5).NextBytes(garbage);
        await File.WriteAllBytesAsync(StateFile, garbage);

        var stderr = await StartRefusedAsync();
        Assert.Contains($"state file {StateFile} is corrupt or not a Cnm store", stderr, StringComparison.Ordinal);
        Assert.Contains("cnmd did not change it", stderr, StringComparison.Ordinal);
        Assert.Contains("Restore it from a backup, or move it aside", stderr, StringComparison.Ordinal);
        Assert.Equal(garbage, await File.ReadAllBytesAsync(StateFile));
    }

    [Fact]
    public async Task Start_StoreWithScribbledPages_RefusedNamingFileAndHint_FileUnchanged()
    {
        await SeedAsync(20);

        // Everything after the first page is overwritten: the header and schema still read, the tables do not.
        var bytes = await File.ReadAllBytesAsync(StateFile);
        Assert.True(bytes.Length > 4096 * 2, $"state file has {bytes.Length} bytes");
        for (var i = 4096; i < bytes.Length; i++)
        {
            bytes[i] = (byte)(i * 7);
        }

        await File.WriteAllBytesAsync(StateFile, bytes);
        var hash = Hash(StateFile);

        var stderr = await StartRefusedAsync();
        Assert.Contains($"state file {StateFile} is corrupt", stderr, StringComparison.Ordinal);
        Assert.Contains("Restore it from a backup, or move it aside", stderr, StringComparison.Ordinal);
        Assert.Equal(hash, Hash(StateFile));

        // Refused again on a second try: nothing was wiped or "repaired" by the first.
        await StartRefusedAsync();
        Assert.Equal(hash, Hash(StateFile));
    }

    [Fact]
    public async Task Start_NewerSchemaVersion_RefusedNamingVersionsAndHint_FileUnchanged()
    {
        await SeedAsync(3);

        // PRAGMA user_version is the big-endian 32-bit integer at offset 60 of the database header.
        var bytes = await File.ReadAllBytesAsync(StateFile);
        Assert.Equal(1, bytes[63]);
        bytes[63] = 2;
        await File.WriteAllBytesAsync(StateFile, bytes);
        var hash = Hash(StateFile);

        var stderr = await StartRefusedAsync();
        Assert.Contains($"state file {StateFile} has schema version 2, newer than this cnmd understands (1)", stderr, StringComparison.Ordinal);
        Assert.Contains("Run that newer cnmd, or restore a backup made by this version", stderr, StringComparison.Ordinal);
        Assert.Equal(hash, Hash(StateFile));

        // Put back to version 1, the same file starts and has its network and endpoints.
        bytes[63] = 1;
        await File.WriteAllBytesAsync(StateFile, bytes);
        using var daemon = DaemonProcess.Start(Args);
        await daemon.WaitReadyAsync();
        using var http = DaemonFixture.CreateClient(Socket);
        using var list = await http.GetAsync("/cnm/v1/endpoints?network=s-none");
        Assert.Equal(3, (await ReadAsync(list, HttpStatusCode.OK)).EnumerateArray().Count(n => n.GetProperty("Name").GetString()!.StartsWith("s-", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Start_ReadOnlyDataRootWithStore_RefusedNamingPathAndHint_StoreUnchanged()
    {
        using var mount = TmpfsMount.Mount(DataRoot, 4096);
        await SeedAsync(3);
        var hash = Hash(StateFile);
        var entries = Directory.GetFileSystemEntries(DataRoot).Order(StringComparer.Ordinal).ToList();
        mount.Remount(readOnly: true);

        var stderr = await StartRefusedAsync();
        Assert.Contains($"--data-root {DataRoot} is read-only", stderr, StringComparison.Ordinal);
        Assert.Contains("make it writable", stderr, StringComparison.Ordinal);
        Assert.Equal(hash, Hash(StateFile));
        Assert.Equal(entries, Directory.GetFileSystemEntries(DataRoot).Order(StringComparer.Ordinal));

        // Writable again, the same store starts with its network and endpoints.
        mount.Remount(readOnly: false);
        using var daemon = DaemonProcess.Start(Args);
        await daemon.WaitReadyAsync();
        using var http = DaemonFixture.CreateClient(Socket);
        using var list = await http.GetAsync("/cnm/v1/endpoints?network=s-none");
        Assert.Equal(3, (await ReadAsync(list, HttpStatusCode.OK)).EnumerateArray().Count(n => n.GetProperty("Name").GetString()!.StartsWith("s-", StringComparison.Ordinal)));
        Assert.Equal(0, await daemon.TerminateAsync(TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task Start_ReadOnlyEmptyDataRoot_RefusedNamingPathAndHint_NothingCreated()
    {
        using var mount = TmpfsMount.Mount(DataRoot, 1024, readOnly: true);

        var stderr = await StartRefusedAsync();
        Assert.Contains($"--data-root {DataRoot} is read-only", stderr, StringComparison.Ordinal);
        Assert.Contains("make it writable", stderr, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(DataRoot));
    }

    /// <summary>
    /// Starts cnmd on a fresh data root, creates a null network with <paramref name="count"/> endpoints (one null network
    /// at most: spec/controller.md, "One null and one host network"), stops it.
    /// </summary>
    private async Task SeedAsync(int count)
    {
        using var daemon = DaemonProcess.Start(Args);
        await daemon.WaitReadyAsync();
        using (var http = DaemonFixture.CreateClient(Socket))
        {
            await CreateNetworkAsync(http, "s-none", "null");
            for (var i = 0; i < count; i++)
            {
                await CreateEndpointAsync(http, $$"""{"Network":"s-none","Name":"s-{{i.ToString(System.Globalization.CultureInfo.InvariantCulture)}}"}""");
            }
        }

        Assert.Equal(0, await daemon.TerminateAsync(TimeSpan.FromSeconds(20)));
        Assert.True(File.Exists(StateFile));
    }

    /// <summary>Starts cnmd, expects it to exit 1 before it is ready, and returns its stderr.</summary>
    private async Task<string> StartRefusedAsync()
    {
        using var daemon = DaemonProcess.Start(Args);
        var code = await daemon.WaitExitAsync(TimeSpan.FromSeconds(30));
        Assert.True(code == 1, $"exit {code}\nstdout:\n{daemon.Stdout}\nstderr:\n{daemon.Stderr}");
        Assert.DoesNotContain("cnmd ready", daemon.Stdout, StringComparison.Ordinal);
        Assert.False(File.Exists(Socket), "the API socket was left behind");
        return daemon.Stderr;
    }

    internal static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
}
