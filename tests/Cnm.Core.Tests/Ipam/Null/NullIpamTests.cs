using Cnm.Core.Ipam;
using Cnm.Core.Ipam.Null;
using Cnm.Protocol;
using static Cnm.Core.Tests.Ipam.IpamTestExtensions;

namespace Cnm.Core.Tests.Ipam.Null;

public sealed class NullIpamTests
{
    private readonly NullIpam _ipam = new();

    [Fact]
    public async Task GetDefaultAddressSpacesAsync_Always_ReturnsNullTwice()
    {
        Assert.Equal(new AddressSpaces("null", "null"), await _ipam.GetDefaultAddressSpacesAsync(CancellationToken.None));
        Assert.Equal("null", BuiltInIpams.Null);
        Assert.Equal(new IpamCapabilities(), BuiltInIpams.NullCapabilities);
    }

    [Fact]
    public async Task RequestPoolAsync_NullSpace_ReturnsTheEverythingPool()
    {
        var pool = await _ipam.PoolAsync(space: "null");

        Assert.Equal("null/0.0.0.0/0", pool.PoolId);
        Assert.Equal(P("0.0.0.0/0"), pool.Pool);
        Assert.Null(pool.Data);
    }

    [Theory]
    [InlineData("LocalDefault", null, null, false, "unknown address space: LocalDefault")]
    [InlineData("null", "10.0.0.0/8", null, false, "does not handle specific address pool requests")]
    [InlineData("null", null, "10.0.0.0/24", false, "does not handle specific address subpool requests")]
    [InlineData("null", null, null, true, "does not handle IPv6")]
    public async Task RequestPoolAsync_AnythingElse_IsInvalidParameter(string space, string? pool, string? subPool, bool v6, string detail)
    {
        await FailsAsync(() => _ipam.PoolAsync(pool, subPool, space, v6), ErrorCategory.InvalidParameter, detail);
    }

    [Fact]
    public async Task RequestAddressAsync_NullPool_ReturnsNoAddressAndNoError()
    {
        var address = await _ipam.RequestAddressAsync(new AddressRequest(NullIpam.PoolId, Ip("10.0.0.5")), CancellationToken.None);

        Assert.Null(address.Address);
        Assert.Null(address.Data);
    }

    [Fact]
    public async Task Releases_NullPool_AreNoOps()
    {
        await _ipam.ReleaseAsync(NullIpam.PoolId, "10.0.0.5");
        await _ipam.ReleasePoolAsync(NullIpam.PoolId);
        await _ipam.ReleasePoolAsync(NullIpam.PoolId);
    }

    [Fact]
    public async Task Calls_WrongPoolId_AreInvalidParameter()
    {
        const string Wrong = "LocalDefault/172.17.0.0/16";

        await FailsAsync(() => _ipam.AddressAsync(Wrong), ErrorCategory.InvalidParameter, "unknown pool id", Wrong);
        await FailsAsync(() => _ipam.ReleaseAsync(Wrong, "172.17.0.2"), ErrorCategory.InvalidParameter, "unknown pool id");
        await FailsAsync(() => _ipam.ReleasePoolAsync(Wrong), ErrorCategory.InvalidParameter, "unknown pool id");
    }
}
