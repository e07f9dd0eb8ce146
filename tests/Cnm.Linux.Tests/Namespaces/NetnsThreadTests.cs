using Cnm.Linux.Namespaces;
using Cnm.Linux.Netlink;

namespace Cnm.Linux.Tests.Namespaces;

/// <summary>Work in another namespace runs on its own thread; pool threads never change namespace.</summary>
public sealed class NetnsThreadTests
{
    private static string ThreadNamespace() => new FileInfo(NetnsThread.CurrentThreadNamespace).LinkTarget!;

    [Fact]
    public async Task RunAsync_ManyWhilePoolBusy_PoolThreadsKeepTheirNamespace()
    {
        await using var ns = new TestNamespaces();
        var path = await ns.CreateAsync("sb");
        var home = await Task.Run(ThreadNamespace);
        var target = await NetnsThread.RunAsync(path, ThreadNamespace, CancellationToken.None);
        using var stop = new CancellationTokenSource();
        var seenOnPool = new System.Collections.Concurrent.ConcurrentBag<string>();
        var watchers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                seenOnPool.Add(ThreadNamespace());
                await Task.Yield();
            }
        })).ToList();

        var inside = new List<string>();
        for (var i = 0; i < 200; i++)
        {
            inside.Add(await NetnsThread.RunAsync(path, () =>
            {
                Thread.SpinWait(1000);
                return ThreadNamespace();
            }, CancellationToken.None));
            seenOnPool.Add(ThreadNamespace()); // the continuation runs on a pool thread
        }

        await stop.CancelAsync();
        await Task.WhenAll(watchers);
        Assert.NotEqual(home, target);
        Assert.All(inside, n => Assert.Equal(target, n));
        Assert.True(seenOnPool.Count > 200);
        Assert.All(seenOnPool, n => Assert.Equal(home, n));
    }

    [Fact]
    public async Task RunAsync_WorkThrows_ExceptionReachesCallerInHomeNamespace()
    {
        await using var ns = new TestNamespaces();
        var path = await ns.CreateAsync("sb");
        var home = ThreadNamespace();

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            NetnsThread.RunAsync<int>(path, () => throw new InvalidOperationException("inside"), CancellationToken.None));

        Assert.Equal("inside", ex.Message);
        Assert.Equal(home, ThreadNamespace());
    }

    [Fact]
    public async Task RunAsync_MissingNamespace_NotFoundNamingThePath()
    {
        var ex = await Assert.ThrowsAsync<NetlinkException>(() =>
            NetnsThread.RunAsync("/run/cnm-linux-tests/none/ns/x", () => 1, CancellationToken.None));

        Assert.Equal(Errnos.ENOENT, ex.Errno);
        Assert.Contains("/run/cnm-linux-tests/none/ns/x", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunInNewAsync_FreshNamespace_OnlyLoopbackAndDiffersFromHome()
    {
        var home = ThreadNamespace();

        var (ns, links) = await NetnsThread.RunInNewAsync(() =>
        {
            using var nl = NetlinkClient.Open();
            return (ThreadNamespace(), nl.GetLinks().Select(l => l.Name).ToList());
        }, CancellationToken.None);

        Assert.NotEqual(home, ns);
        Assert.Equal(["lo"], links);
        Assert.Equal(home, ThreadNamespace());
    }
}
