using Cnm.Linux.Namespaces;
using Cnm.Linux.Netlink;
using Cnm.Protocol;

namespace Cnm.Linux.Tests.Namespaces;

/// <summary>Bind-mounted namespaces: create, open, delete, leaving nothing behind.</summary>
public sealed class NetworkNamespaceTests
{
    [Fact]
    public async Task CreateAsync_NewPath_MountedWithLoopbackUp()
    {
        await using var ns = new TestNamespaces();

        var path = await ns.CreateAsync("a");

        Assert.True(NetworkNamespace.IsMounted(path));
        var nl = await ns.ClientAsync(path);
        var lo = Assert.Single(nl.GetLinks());
        Assert.Equal("lo", lo.Name);
        Assert.True(lo.IsUp);
    }

    [Fact]
    public async Task CreateAsync_PathExists_ConflictAndExistingKept()
    {
        await using var ns = new TestNamespaces();
        var path = await ns.CreateAsync("a");

        var ex = await Assert.ThrowsAsync<NetlinkException>(() => NetworkNamespace.CreateAsync(path, CancellationToken.None));

        Assert.Equal(ErrorCategory.Conflict, ex.Category);
        Assert.True(NetworkNamespace.IsMounted(path));
    }

    [Fact]
    public async Task Delete_Mounted_UnmountedAndFileGone()
    {
        await using var ns = new TestNamespaces();
        var path = Path.Combine(ns.Root, "b");
        await NetworkNamespace.CreateAsync(path, CancellationToken.None);

        NetworkNamespace.Delete(path);
        NetworkNamespace.Delete(path); // a second delete is a no-op

        Assert.False(File.Exists(path));
        Assert.False(NetworkNamespace.IsMounted(path));
        Assert.Empty(ns.Mounts());
    }

    [Fact]
    public async Task Delete_WithVethToOtherNamespace_PeerVanishes()
    {
        await using var ns = new TestNamespaces();
        var host = await ns.ClientAsync(await ns.CreateAsync("host"));
        var path = Path.Combine(ns.Root, "sb");
        await NetworkNamespace.CreateAsync(path, CancellationToken.None);
        using (var fd = NetworkNamespace.Open(path))
        {
            host.CreateVeth("vhost", "eth0", fd);
        }

        NetworkNamespace.Delete(path);

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (host.FindLink("vhost") is not null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Assert.Null(host.FindLink("vhost"));
    }

    [Fact]
    public async Task Delete_WithVethToOtherNamespace_DeleteOfListedHostEndAfterwardsIsNotFound()
    {
        await using var ns = new TestNamespaces();
        var host = await ns.ClientAsync(await ns.CreateAsync("host"));
        var path = Path.Combine(ns.Root, "sb");
        await NetworkNamespace.CreateAsync(path, CancellationToken.None);
        using (var fd = NetworkNamespace.Open(path))
        {
            host.CreateVeth("vhost", "eth0", fd);
        }

        var listed = host.GetLink("vhost").Index; // what a clean-up lists before the namespace goes
        NetworkNamespace.Delete(path);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (host.FindLink(listed) is not null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        var ex = Assert.Throws<NetlinkException>(() => host.DeleteLink(listed));
        Assert.Equal(Errnos.ENODEV, ex.Errno);
        Assert.Equal(ErrorCategory.NotFound, ex.Category);
    }
}
