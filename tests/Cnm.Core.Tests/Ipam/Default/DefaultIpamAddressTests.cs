using Cnm.Core.Ipam;
using Cnm.Core.Ipam.Default;
using Cnm.Protocol;
using static Cnm.Core.Tests.Ipam.IpamTestExtensions;

namespace Cnm.Core.Tests.Ipam.Default;

public sealed class DefaultIpamAddressTests
{
    private readonly DefaultIpam _ipam = new();

    [Fact]
    public async Task RequestAddressAsync_FirstWithoutPreference_IsTheGatewayDotOneWithTheMasterPrefix()
    {
        var pool = await _ipam.PoolIdAsync();

        Assert.Equal("172.17.0.1/16", await _ipam.AddressAsync(pool));
        Assert.Equal("172.17.0.2/16", await _ipam.AddressAsync(pool));
    }

    [Fact]
    public async Task RequestAddressAsync_GatewayOption_IsOnlyAHint()
    {
        var pool = await _ipam.PoolIdAsync("172.18.0.0/16");
        var options = new Dictionary<string, string> { [IpamOptions.RequestAddressType] = IpamOptions.GatewayType };

        var gateway = await _ipam.RequestAddressAsync(new AddressRequest(pool, null, options), CancellationToken.None);

        Assert.Equal(P("172.18.0.1/16"), gateway.Address);
        Assert.Null(gateway.Data);
    }

    [Fact]
    public async Task RequestAddressAsync_SubPool_StartsAtTheSubPoolNetworkAddressWithTheMasterPrefix()
    {
        // docs/reference-host.md §5.5: only the master's network/broadcast are reserved.
        var pool = await _ipam.PoolIdAsync("172.28.0.0/16", "172.28.5.0/24");

        Assert.Equal("172.28.5.0/16", await _ipam.AddressAsync(pool));
        Assert.Equal("172.28.5.1/16", await _ipam.AddressAsync(pool));
        Assert.Equal("172.28.5.255/16", await _ipam.AddressAsync(pool, "172.28.5.255"));
    }

    [Fact]
    public async Task RequestAddressAsync_SubPoolFull_IsNoAvailableIpsWhileTheMasterHasRoom()
    {
        var pool = await _ipam.PoolIdAsync("172.28.0.0/16", "172.28.5.0/30");
        var given = new List<string?>();
        for (var i = 0; i < 4; i++)
        {
            given.Add(await _ipam.AddressAsync(pool));
        }

        Assert.Equal(["172.28.5.0/16", "172.28.5.1/16", "172.28.5.2/16", "172.28.5.3/16"], given);
        await FailsAsync(() => _ipam.AddressAsync(pool), ErrorCategory.Unavailable, "No available addresses on this pool", pool);
        Assert.Equal("172.28.0.1/16", await _ipam.AddressAsync("LocalDefault/172.28.0.0/16"));
    }

    [Fact]
    public async Task RequestAddressAsync_SubPoolAtTheMasterEdge_SkipsTheReservedNetworkAddress()
    {
        var pool = await _ipam.PoolIdAsync("172.28.0.0/16", "172.28.0.0/24");

        Assert.Equal("172.28.0.1/16", await _ipam.AddressAsync(pool));
        Assert.Equal(255UL, _ipam.Snapshot().Single(u => u.PoolId == pool).Total);
    }

    [Fact]
    public async Task RequestAddressAsync_PreferredOutsideTheSubPoolButInsideTheMaster_IsAccepted()
    {
        var pool = await _ipam.PoolIdAsync("172.28.0.0/16", "172.28.5.0/24");

        Assert.Equal("172.28.9.9/16", await _ipam.AddressAsync(pool, "172.28.9.9"));
    }

    [Theory]
    [InlineData("172.19.0.1")]
    [InlineData("10.0.0.1")]
    [InlineData("2001:db8::1")]
    public async Task RequestAddressAsync_PreferredOutsideTheMaster_IsIpOutOfRange(string address)
    {
        var pool = await _ipam.PoolIdAsync("172.18.0.0/16");

        await FailsAsync(
            () => _ipam.AddressAsync(pool, address), ErrorCategory.InvalidParameter, "Requested address is out of range", address);
    }

    [Fact]
    public async Task RequestAddressAsync_PreferredTaken_IsIpAlreadyAllocated()
    {
        var pool = await _ipam.PoolIdAsync("172.18.0.0/16");
        await _ipam.AddressAsync(pool, "172.18.0.7");

        await FailsAsync(() => _ipam.AddressAsync(pool, "172.18.0.7"), ErrorCategory.Conflict, "Address already in use", "172.18.0.7");
    }

    [Theory]
    [InlineData("172.18.0.0", "network")]
    [InlineData("172.18.255.255", "broadcast")]
    public async Task RequestAddressAsync_NetworkOrBroadcastAddress_IsIpAlreadyAllocated(string address, string what)
    {
        var pool = await _ipam.PoolIdAsync("172.18.0.0/16");

        await FailsAsync(() => _ipam.AddressAsync(pool, address), ErrorCategory.Conflict, "Address already in use", what);
    }

    [Fact]
    public async Task RequestAddressAsync_Serial_ContinuesAfterTheLastAndWraps()
    {
        var pool = await _ipam.PoolIdAsync("10.1.0.0/29");
        Assert.Equal("10.1.0.1/29", await _ipam.AddressAsync(pool, serial: true));
        Assert.Equal("10.1.0.2/29", await _ipam.AddressAsync(pool, serial: true));
        await _ipam.ReleaseAsync(pool, "10.1.0.1");
        await _ipam.ReleaseAsync(pool, "10.1.0.2");

        var serial = new List<string?>();
        for (var i = 0; i < 6; i++)
        {
            serial.Add(await _ipam.AddressAsync(pool, serial: true));
        }

        Assert.Equal(["10.1.0.3/29", "10.1.0.4/29", "10.1.0.5/29", "10.1.0.6/29", "10.1.0.1/29", "10.1.0.2/29"], serial);
        await FailsAsync(() => _ipam.AddressAsync(pool, serial: true), ErrorCategory.Unavailable, "No available addresses");
    }

    [Fact]
    public async Task RequestAddressAsync_NotSerial_TakesTheLowestFreeEvenAfterHigherOnes()
    {
        var pool = await _ipam.PoolIdAsync("10.1.0.0/29");
        await _ipam.AddressAsync(pool);
        await _ipam.AddressAsync(pool);
        await _ipam.AddressAsync(pool);
        await _ipam.ReleaseAsync(pool, "10.1.0.1");

        Assert.Equal("10.1.0.1/29", await _ipam.AddressAsync(pool));
        Assert.Equal("10.1.0.4/29", await _ipam.AddressAsync(pool));
    }

    [Fact]
    public async Task RequestAddressAsync_SerialFlagNotExactlyTrue_IsFirstFree()
    {
        var pool = await _ipam.PoolIdAsync("10.1.0.0/29");
        await _ipam.AddressAsync(pool);
        await _ipam.AddressAsync(pool);
        await _ipam.ReleaseAsync(pool, "10.1.0.1");
        var options = new Dictionary<string, string> { [IpamOptions.Serial] = "True" };

        var address = await _ipam.RequestAddressAsync(new AddressRequest(pool, null, options), CancellationToken.None);

        Assert.Equal("10.1.0.1/29", address.Address.ToString());
    }

    [Fact]
    public async Task RequestAddressAsync_UnknownPool_IsPoolNotFound()
    {
        await FailsAsync(() => _ipam.AddressAsync("LocalDefault/172.18.0.0/16"), ErrorCategory.NotFound, "Address Pool not found");
        await FailsAsync(() => _ipam.AddressAsync("null/0.0.0.0/0"), ErrorCategory.NotFound, "Address Pool not found");
        await FailsAsync(() => _ipam.AddressAsync("172.18.0.0/16"), ErrorCategory.InvalidParameter, "invalid pool id");
    }

    [Theory]
    [InlineData("10.1.0.0/32")]
    [InlineData("10.1.0.0/31")]
    [InlineData("2001:db8::/128")]
    public async Task RequestAddressAsync_PoolWithoutHostAddresses_IsNoAvailableIps(string cidr)
    {
        var pool = await _ipam.PoolIdAsync(cidr);

        await FailsAsync(() => _ipam.AddressAsync(pool), ErrorCategory.Unavailable, "No available addresses");
        Assert.Equal(0UL, _ipam.Snapshot().Single().Total);
    }

    [Fact]
    public async Task RequestAddressAsync_Slash30_HasTwoAddresses()
    {
        var pool = await _ipam.PoolIdAsync("10.1.0.4/30");

        Assert.Equal("10.1.0.5/30", await _ipam.AddressAsync(pool));
        Assert.Equal("10.1.0.6/30", await _ipam.AddressAsync(pool));
        await FailsAsync(() => _ipam.AddressAsync(pool), ErrorCategory.Unavailable, "No available addresses");
    }

    [Fact]
    public async Task RequestAddressAsync_Ipv6Slash64_AllocatesLowestFirstAndPreferred()
    {
        var pool = await _ipam.PoolIdAsync("2001:db8::/64");

        Assert.Equal("LocalDefault/2001:db8::/64", pool);
        Assert.Equal("2001:db8::1/64", await _ipam.AddressAsync(pool));
        Assert.Equal("2001:db8::2/64", await _ipam.AddressAsync(pool));
        Assert.Equal("2001:db8::ffff:ffff:ffff:fffe/64", await _ipam.AddressAsync(pool, "2001:db8::ffff:ffff:ffff:fffe"));
        Assert.Equal("2001:db8::abcd/64", await _ipam.AddressAsync(pool, "2001:db8::abcd"));
        await FailsAsync(() => _ipam.AddressAsync(pool, "2001:db8::abcd"), ErrorCategory.Conflict, "Address already in use");
        await FailsAsync(() => _ipam.AddressAsync(pool, "2001:db8::"), ErrorCategory.Conflict, "network");
        Assert.Equal(4UL, _ipam.Snapshot().Single().Used);
        Assert.Equal(ulong.MaxValue - 1, _ipam.Snapshot().Single().Total);
    }

    [Fact]
    public async Task RequestAddressAsync_Ipv6LastAddressOfSlash64_IsBeyondTheOrdinalCap()
    {
        // Like the reference's bitmask, a /64 or larger pool has 2^64 - 1 ordinals (docs/reference-host.md §5.6).
        var pool = await _ipam.PoolIdAsync("2001:db8::/64");

        await FailsAsync(
            () => _ipam.AddressAsync(pool, "2001:db8::ffff:ffff:ffff:ffff"), ErrorCategory.InvalidParameter, "out of range", "2^64-1");
    }

    [Fact]
    public async Task RequestAddressAsync_Ipv6Slash126_HasNoBroadcastReservation()
    {
        var pool = await _ipam.PoolIdAsync("2001:db8::/126");

        Assert.Equal("2001:db8::1/126", await _ipam.AddressAsync(pool));
        Assert.Equal("2001:db8::2/126", await _ipam.AddressAsync(pool));
        Assert.Equal("2001:db8::3/126", await _ipam.AddressAsync(pool));
        await FailsAsync(() => _ipam.AddressAsync(pool), ErrorCategory.Unavailable, "No available addresses");
    }

    [Fact]
    public async Task RequestAddressAsync_Ipv6SubPoolOfASlash48_AllocatesInsideIt()
    {
        var pool = await _ipam.PoolIdAsync("2001:db8::/48", "2001:db8:0:0:1::/120");

        Assert.Equal("2001:db8:0:0:1::/48", await _ipam.AddressAsync(pool));
    }

    [Fact]
    public async Task RequestPoolAsync_Ipv6SubPoolBeyondTheOrdinalCap_IsInvalidSubPool()
    {
        await FailsAsync(
            () => _ipam.PoolAsync("2001:db8::/48", "2001:db8:0:1::/64"), ErrorCategory.InvalidParameter, "Invalid Address SubPool", "2^64-1");
    }

    [Fact]
    public async Task ReleaseAddressAsync_Allocated_IsHandedOutAgainLowestFirst()
    {
        var pool = await _ipam.PoolIdAsync("172.18.0.0/16");
        for (var i = 0; i < 5; i++)
        {
            await _ipam.AddressAsync(pool);
        }

        await _ipam.ReleaseAsync(pool, "172.18.0.3");

        Assert.Equal("172.18.0.3/16", await _ipam.AddressAsync(pool));
        Assert.Equal("172.18.0.6/16", await _ipam.AddressAsync(pool));
    }

    [Fact]
    public async Task ReleaseAddressAsync_FreeAddress_IsNotFoundNamingAddressAndPool()
    {
        // The reference ignores this and miscounts (docs/reference-host.md §5.7); Cnm says so.
        var pool = await _ipam.PoolIdAsync("172.18.0.0/16");

        await FailsAsync(
            () => _ipam.ReleaseAsync(pool, "172.18.0.9"), ErrorCategory.NotFound, "address 172.18.0.9 is not allocated in pool LocalDefault/172.18.0.0/16");
    }

    [Theory]
    [InlineData("172.18.0.0", "network")]
    [InlineData("172.18.255.255", "broadcast")]
    public async Task ReleaseAddressAsync_NetworkOrBroadcast_IsInvalidParameterAndStaysReserved(string address, string what)
    {
        // The reference clears the reserved bit (docs/reference-host.md §5.7); Cnm refuses.
        var pool = await _ipam.PoolIdAsync("172.18.0.0/16");

        await FailsAsync(() => _ipam.ReleaseAsync(pool, address), ErrorCategory.InvalidParameter, what, "reserved");
        await FailsAsync(() => _ipam.AddressAsync(pool, address), ErrorCategory.Conflict, "Address already in use");
    }

    [Fact]
    public async Task ReleaseAddressAsync_OutsideOrUnknownPool_Fails()
    {
        var pool = await _ipam.PoolIdAsync("172.18.0.0/16");

        await FailsAsync(() => _ipam.ReleaseAsync(pool, "172.19.0.1"), ErrorCategory.InvalidParameter, "Requested address is out of range");
        await FailsAsync(() => _ipam.ReleaseAsync("LocalDefault/172.20.0.0/16", "172.20.0.1"), ErrorCategory.NotFound, "Address Pool not found");
    }

    [Fact]
    public async Task ReleaseAddressAsync_ThroughASubPoolId_ReleasesFromTheSharedMaster()
    {
        var master = await _ipam.PoolIdAsync("172.28.0.0/16");
        var sub = await _ipam.PoolIdAsync("172.28.0.0/16", "172.28.5.0/24");
        await _ipam.AddressAsync(master, "172.28.7.7");

        await _ipam.ReleaseAsync(sub, "172.28.7.7");

        Assert.Equal(0UL, _ipam.Snapshot().Single(u => u.PoolId == master).Used);
    }

    [Fact]
    public async Task Snapshot_CountsUsedAndFreePerPoolId()
    {
        var master = await _ipam.PoolIdAsync("172.28.0.0/24");
        var sub = await _ipam.PoolIdAsync("172.28.1.0/24", "172.28.1.128/25");
        await _ipam.AddressAsync(master);
        await _ipam.AddressAsync(master);
        await _ipam.AddressAsync(sub);
        await _ipam.AddressAsync("LocalDefault/172.28.1.0/24", "172.28.1.200");
        await _ipam.AddressAsync("LocalDefault/172.28.1.0/24", "172.28.1.5");

        var usage = _ipam.Snapshot().ToDictionary(u => u.PoolId);

        Assert.Equal((254UL, 2UL, 252UL), (usage[master].Total, usage[master].Used, usage[master].Free));
        Assert.Equal((254UL, 3UL), (usage["LocalDefault/172.28.1.0/24"].Total, usage["LocalDefault/172.28.1.0/24"].Used));
        Assert.Equal((127UL, 2UL), (usage[sub].Total, usage[sub].Used));
    }

    [Fact]
    public async Task RequestAddressAsync_ManyThreads_NeverHandOutAnAddressTwice()
    {
        var pool = await _ipam.PoolIdAsync("10.20.0.0/20");
        var workers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            var mine = new List<string>();
            for (var i = 0; i < 400; i++)
            {
                mine.Add((await _ipam.AddressAsync(pool))!);
                if (i % 3 == 0)
                {
                    var victim = mine[^1];
                    mine.RemoveAt(mine.Count - 1);
                    await _ipam.ReleaseAsync(pool, victim[..victim.IndexOf('/', StringComparison.Ordinal)]);
                }
            }

            return mine;
        }));

        var all = (await Task.WhenAll(workers)).SelectMany(a => a).ToList();

        Assert.Equal(all.Count, all.Distinct().Count());
        Assert.Equal((ulong)all.Count, _ipam.Snapshot().Single().Used);
    }
}
