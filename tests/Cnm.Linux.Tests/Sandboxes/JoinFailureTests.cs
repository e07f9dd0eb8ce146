using System.Net.Sockets;
using Cnm.Core.Drivers;
using Cnm.Core.Errors;
using Cnm.Core.Model;
using Cnm.Linux.Netlink;
using Cnm.Protocol;
using static Cnm.Linux.Tests.Sandboxes.SandboxFixture;

namespace Cnm.Linux.Tests.Sandboxes;

/// <summary>Bad Join answers: a clear error naming the thing, the interface back in the host, nothing half-made.</summary>
public sealed class JoinFailureTests
{
    private const string Id = "cccccccccccc3333333333333333333333333333333333333333333333333333";

    [Fact]
    public async Task AddInterfaceAsync_SrcNameMissing_NotFoundAndSandboxUntouched()
    {
        await using var f = await StartAsync();
        var key = await f.CreateSandboxAsync(Id);
        var join = Join("nosuch0", "172.30.0.1");

        var ex = await Assert.ThrowsAsync<CnmException>(() =>
            f.Provider.AddInterfaceAsync(key, Endpoint("e1", "172.30.0.2/24", join: join), join, gateway: true, CancellationToken.None));

        Assert.Equal(ErrorCategory.NotFound, ex.Category);
        Assert.Contains("nosuch0", ex.Message, StringComparison.Ordinal);
        Assert.Contains("ep-e1", ex.Message, StringComparison.Ordinal);
        await AssertOnlyLoopbackAsync(f, key);
    }

    [Theory]
    [InlineData("bad/")]
    [InlineData("averyveryverylongprefix")]
    [InlineData("")]
    public async Task AddInterfaceAsync_InvalidDstPrefix_InvalidParameterAndInterfaceStaysInHost(string prefix)
    {
        await using var f = await StartAsync();
        var key = await f.CreateSandboxAsync(Id);
        f.Host.CreateVeth("h1", "c1");
        var join = Join("c1", "172.30.0.1") with { DstPrefix = prefix };

        var ex = await Assert.ThrowsAsync<CnmException>(() =>
            f.Provider.AddInterfaceAsync(key, Endpoint("e1", "172.30.0.2/24", join: join), join, gateway: true, CancellationToken.None));

        Assert.Equal(ErrorCategory.InvalidParameter, ex.Category);
        Assert.Contains("DstPrefix", ex.Message, StringComparison.Ordinal);
        Assert.NotNull(f.Host.FindLink("c1"));
        await AssertOnlyLoopbackAsync(f, key);
    }

    [Fact]
    public async Task AddInterfaceAsync_RouteCannotBeAdded_InvalidParameterAndInterfaceBack()
    {
        await using var f = await StartAsync();
        var key = await f.CreateSandboxAsync(Id);
        f.Host.CreateVeth("h1", "c1");
        var join = Join("c1", "172.30.0.1", null, Route("10.60.0.0/16", RouteType.NextHop, "203.0.113.1"));

        var ex = await Assert.ThrowsAsync<CnmException>(() =>
            f.Provider.AddInterfaceAsync(key, Endpoint("e1", "172.30.0.2/24", join: join), join, gateway: true, CancellationToken.None));

        Assert.Equal(ErrorCategory.InvalidParameter, ex.Category);
        Assert.Contains("10.60.0.0/16 via 203.0.113.1", ex.Message, StringComparison.Ordinal);
        Assert.Contains("moved back", ex.Message, StringComparison.Ordinal);
        await AssertBackInHostAsync(f, key, "c1");
    }

    [Fact]
    public async Task AddInterfaceAsync_MulticastMac_InvalidParameterAndInterfaceBack()
    {
        await using var f = await StartAsync();
        var key = await f.CreateSandboxAsync(Id);
        f.Host.CreateVeth("h1", "c1");
        var join = Join("c1", "172.30.0.1");

        var ex = await Assert.ThrowsAsync<CnmException>(() =>
            f.Provider.AddInterfaceAsync(key, Endpoint("e1", "172.30.0.2/24", "01:00:5e:00:00:01", join: join), join, gateway: true, CancellationToken.None));

        Assert.Equal(ErrorCategory.InvalidParameter, ex.Category);
        Assert.Contains("MAC address 01005E000001", ex.Message, StringComparison.Ordinal);
        Assert.Contains("EADDRNOTAVAIL", ex.Message, StringComparison.Ordinal);
        await AssertBackInHostAsync(f, key, "c1");

        // the failed join left no trace: the next one gets eth0 and the gateway
        await f.Provider.AddInterfaceAsync(key, Endpoint("e1", "172.30.0.2/24", join: join), join, CancellationToken.None);
        var sb = await f.SandboxClientAsync(key);
        Assert.Contains(sb.GetRoutes(AddressFamily.InterNetwork), r => r.IsDefault && r.OutputInterfaceIndex == sb.GetLink("eth0").Index);
    }

    private static async Task AssertBackInHostAsync(SandboxFixture f, string key, string srcName)
    {
        var link = f.Host.GetLink(srcName);
        Assert.False(link.IsUp);
        Assert.True(string.IsNullOrEmpty(link.Alias));
        await AssertOnlyLoopbackAsync(f, key);
    }

    private static async Task AssertOnlyLoopbackAsync(SandboxFixture f, string key)
    {
        var sb = await f.SandboxClientAsync(key);
        Assert.Equal(["lo"], sb.GetLinks().Select(l => l.Name));
        Assert.Empty(sb.GetRoutes(AddressFamily.InterNetwork));
        Assert.DoesNotContain(sb.GetAddresses(AddressFamily.InterNetwork), a => a.InterfaceIndex != sb.GetLink("lo").Index);
    }
}
