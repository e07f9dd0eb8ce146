using System.Net;
using Cnm.Core.Ipam;
using Cnm.Core.Ipam.Default;
using Cnm.Core.Net;
using Cnm.Protocol;
using static Cnm.Core.Tests.Ipam.IpamTestExtensions;

namespace Cnm.Core.Tests.Ipam.Default;

public sealed class DefaultIpamScaleTests
{
    [Fact]
    public async Task RequestAddressAsync_FullSlash16_HandsOutEveryHostOnceThenFailsAndReleasesCleanly()
    {
        var ipam = new DefaultIpam();
        var pool = await ipam.PoolIdAsync("172.18.0.0/16");
        var before = ipam.Snapshot();
        var given = new List<IPAddress>(65_534);

        for (var i = 1; i <= 65_534; i++)
        {
            var address = (await ipam.RequestAddressAsync(new AddressRequest(pool), CancellationToken.None)).Address!.Value;
            Assert.Equal(16, address.PrefixLength);
            Assert.Equal((UInt128)i, address.Network.OffsetOf(address.Address));
            given.Add(address.Address);
        }

        await FailsAsync(() => ipam.AddressAsync(pool), ErrorCategory.Unavailable, "No available addresses on this pool");
        Assert.Equal(65_534UL, ipam.Snapshot().Single().Used);
        Assert.Equal(0UL, ipam.Snapshot().Single().Free);

        foreach (var address in given)
        {
            await ipam.ReleaseAddressAsync(pool, address, CancellationToken.None);
        }

        var after = Assert.Single(ipam.Snapshot());
        Assert.Equal(before, [after]);
        Assert.Equal((65_534UL, 0UL), (after.Total, after.Used));
        Assert.Equal("172.18.0.1/16", await ipam.AddressAsync(pool));
    }

    [Fact]
    public async Task RequestPoolAsync_EmptySlash8_TakesUnder4KiB()
    {
        var ipam = new DefaultIpam();

        // Warm up every code path (JIT, statics) on another instance and pool first.
        var warm = new DefaultIpam();
        await warm.PoolAsync("10.0.0.0/8");
        await warm.PoolAsync("11.0.0.0/8");
        var request = new PoolRequest(Local, P("10.0.0.0/8"));

        var start = GC.GetAllocatedBytesForCurrentThread();
        var pool = await ipam.RequestPoolAsync(request, CancellationToken.None);
        var bytes = GC.GetAllocatedBytesForCurrentThread() - start;

        Assert.Equal("LocalDefault/10.0.0.0/8", pool.PoolId);
        Assert.True(bytes < 4096, $"creating an empty /8 allocated {bytes} bytes");
        Assert.Equal((16_777_214UL, 0UL), (ipam.Snapshot().Single().Total, ipam.Snapshot().Single().Used));
    }

    [Fact]
    public async Task RequestAddressAsync_SparseInASlash8_StaysCheapAndCountsRight()
    {
        var ipam = new DefaultIpam();
        var pool = await ipam.PoolIdAsync("10.0.0.0/8");

        Assert.Equal("10.0.0.1/8", await ipam.AddressAsync(pool));
        Assert.Equal("10.255.255.254/8", await ipam.AddressAsync(pool, "10.255.255.254"));
        Assert.Equal("10.128.0.0/8", await ipam.AddressAsync(pool, "10.128.0.0"));
        Assert.Equal(3UL, ipam.Snapshot().Single().Used);
        await ipam.ReleaseAsync(pool, "10.128.0.0");
        Assert.Equal(2UL, ipam.Snapshot().Single().Used);
    }

    [Fact]
    public async Task RequestPoolAsync_EveryGlobalPool_IsHandedOutInOrderThenExhausted()
    {
        var ipam = new DefaultIpam();
        for (var i = 0; i < 65_536; i++)
        {
            var pool = (await ipam.PoolAsync(space: "GlobalDefault")).Pool;
            Assert.Equal((UInt128)(0x0A000000 + (i << 8)), IpPrefix.ToUInt128(pool.Address));
        }

        await FailsAsync(() => ipam.PoolAsync(space: "GlobalDefault"), ErrorCategory.NotFound, "could not find an available");
        await ipam.ReleasePoolAsync("GlobalDefault/10.77.5.0/24");
        await ipam.ReleasePoolAsync("GlobalDefault/10.3.9.0/24");
        Assert.Equal("GlobalDefault/10.3.9.0/24", (await ipam.PoolAsync(space: "GlobalDefault")).PoolId);
        Assert.Equal("GlobalDefault/10.77.5.0/24", (await ipam.PoolAsync(space: "GlobalDefault")).PoolId);
    }
}
