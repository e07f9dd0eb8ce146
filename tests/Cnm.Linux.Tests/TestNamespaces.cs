using Cnm.Linux.Namespaces;
using Cnm.Linux.Netlink;

namespace Cnm.Linux.Tests;

/// <summary>
/// Namespaces a test makes for itself under a private directory (<c>/run/cnm-linux-tests/&lt;random&gt;</c>),
/// with netlink clients into them. Dispose removes every one and then checks that nothing is left: no mount and
/// no file under the directory.
/// </summary>
internal sealed class TestNamespaces : IAsyncDisposable
{
    private readonly List<string> _paths = [];
    private readonly List<NetlinkClient> _clients = [];

    public TestNamespaces()
    {
        Root = Path.Combine("/run/cnm-linux-tests", Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Root);
    }

    /// <summary>The private directory.</summary>
    public string Root { get; }

    /// <summary>Creates a namespace <paramref name="name"/> and returns its path.</summary>
    public async Task<string> CreateAsync(string name)
    {
        var path = Path.Combine(Root, "ns", name);
        await NetworkNamespace.CreateAsync(path, CancellationToken.None);
        _paths.Add(path);
        return path;
    }

    /// <summary>A client into the namespace at <paramref name="path"/>, closed on dispose.</summary>
    public async Task<NetlinkClient> ClientAsync(string path)
    {
        var client = await NetlinkClient.OpenAsync(path, CancellationToken.None);
        _clients.Add(client);
        return client;
    }

    /// <summary>Paths mounted under <see cref="Root"/>.</summary>
    public IReadOnlyList<string> Mounts() =>
        [.. File.ReadLines("/proc/self/mountinfo").Select(l => l.Split(' ')[4]).Where(p => p.StartsWith(Root + "/", StringComparison.Ordinal))];

    public ValueTask DisposeAsync()
    {
        _clients.ForEach(c => c.Dispose());
        _paths.ForEach(NetworkNamespace.Delete);
        var mounts = Mounts();
        var files = Directory.EnumerateFileSystemEntries(Root, "*", SearchOption.AllDirectories).Where(File.Exists).ToList();
        foreach (var mount in mounts)
        {
            NetworkNamespace.Delete(mount); // clean up what a failed test left, then report it
        }

        Directory.Delete(Root, recursive: true);
        Assert.Empty(mounts);
        Assert.Empty(files);
        return ValueTask.CompletedTask;
    }
}
