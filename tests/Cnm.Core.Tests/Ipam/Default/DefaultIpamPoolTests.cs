using System.Globalization;
using Cnm.Core.Ipam;
using Cnm.Core.Ipam.Default;
using Cnm.Protocol;
using static Cnm.Core.Tests.Ipam.IpamTestExtensions;

namespace Cnm.Core.Tests.Ipam.Default;

public sealed class DefaultIpamPoolTests
{
    private const string NoV4 =
        "could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network";

    private const string NoV6 =
        "could not find an available, non-overlapping IPv6 address pool among the defaults to assign to the network";

    private readonly DefaultIpam _ipam = new();

    /// <summary>docs/reference-host.md §5.2: 172.17–172.31 as /16s, then 192.168.0.0/16 as /20s.</summary>
    public static IReadOnlyList<string> ReferenceLocalPools { get; } =
    [
        .. Enumerable.Range(17, 15).Select(i => string.Create(CultureInfo.InvariantCulture, $"172.{i}.0.0/16")),
        .. Enumerable.Range(0, 16).Select(i => string.Create(CultureInfo.InvariantCulture, $"192.168.{i * 16}.0/20")),
    ];

    [Fact]
    public async Task GetDefaultAddressSpacesAsync_Always_ReturnsLocalAndGlobalDefault()
    {
        var spaces = await _ipam.GetDefaultAddressSpacesAsync(CancellationToken.None);

        Assert.Equal(new AddressSpaces("LocalDefault", "GlobalDefault"), spaces);
    }

    [Fact]
    public void BuiltInIpams_DefaultCapabilities_RequireReplayNotMac()
    {
        Assert.Equal(new IpamCapabilities(RequiresMacAddress: false, RequiresRequestReplay: true), BuiltInIpams.DefaultCapabilities);
        Assert.Equal("default", BuiltInIpams.Default);
        Assert.IsAssignableFrom<IIpamUsage>(BuiltInIpams.CreateDefault());
    }

    [Fact]
    public void PredefinedPools_Local_AreTheReferenceListInOrder()
    {
        var pools = _ipam.PredefinedPoolsOf(Local, v6: false).Select(p => p.ToString()).ToList();

        Assert.Equal(31, pools.Count);
        Assert.Equal(ReferenceLocalPools, pools);
        Assert.Empty(_ipam.PredefinedPoolsOf(Local, v6: true));
    }

    [Fact]
    public void PredefinedPools_Global_Are65536Slash24sOfTen()
    {
        var pools = _ipam.PredefinedPoolsOf("GlobalDefault", v6: false);

        Assert.Equal(65_536, pools.Count());
        Assert.Equal(["10.0.0.0/24", "10.0.1.0/24"], pools.Take(2).Select(p => p.ToString()));
        Assert.Equal("10.255.255.0/24", pools.Last().ToString());
    }

    [Fact]
    public async Task RequestPoolAsync_AutoLocal_HandsOutThePredefinedPoolsInOrderThenFails()
    {
        var given = new List<string>();
        for (var i = 0; i < 31; i++)
        {
            var pool = await _ipam.PoolAsync();
            Assert.Equal($"LocalDefault/{pool.Pool}", pool.PoolId);
            Assert.Null(pool.Data);
            given.Add(pool.Pool.ToString());
        }

        Assert.Equal(ReferenceLocalPools, given);
        await FailsAsync(() => _ipam.PoolAsync(), ErrorCategory.NotFound, NoV4);
    }

    [Fact]
    public async Task RequestPoolAsync_AfterRelease_ReusesTheFirstFreePool()
    {
        // First-fit as newer Docker (docs/decisions.md "default IPAM pools"); the reference would hand
        // out 172.20.0.0/16 here (round-robin).
        await _ipam.PoolAsync();
        var second = await _ipam.PoolAsync();
        await _ipam.PoolAsync();
        await _ipam.ReleasePoolAsync(second.PoolId);

        var next = await _ipam.PoolAsync();

        Assert.Equal("172.18.0.0/16", next.Pool.ToString());
        Assert.Equal("172.20.0.0/16", (await _ipam.PoolAsync()).Pool.ToString());
    }

    [Fact]
    public async Task RequestPoolAsync_Auto_SkipsPredefinedPoolsOverlappingExplicitOnes()
    {
        await _ipam.PoolAsync("172.18.5.0/24");
        await _ipam.PoolAsync("172.20.0.0/14");

        Assert.Equal("172.17.0.0/16", (await _ipam.PoolAsync()).Pool.ToString());
        Assert.Equal("172.19.0.0/16", (await _ipam.PoolAsync()).Pool.ToString());
        Assert.Equal("172.24.0.0/16", (await _ipam.PoolAsync()).Pool.ToString());
    }

    [Fact]
    public async Task RequestPoolAsync_AutoWhenAllOf172IsTaken_Gives192168()
    {
        await _ipam.PoolAsync("172.16.0.0/12");

        Assert.Equal("LocalDefault/192.168.0.0/20", (await _ipam.PoolAsync()).PoolId);
    }

    [Fact]
    public async Task RequestPoolAsync_AutoGlobal_SkipsAWholeOverlappingMaster()
    {
        await _ipam.PoolAsync("10.0.0.0/16", space: "GlobalDefault");

        var pool = await _ipam.PoolAsync(space: "GlobalDefault");

        Assert.Equal("GlobalDefault/10.1.0.0/24", pool.PoolId);
        Assert.Equal("10.1.0.0/24", pool.Pool.ToString());
    }

    [Fact]
    public async Task RequestPoolAsync_AutoGlobal_SkipsACandidatePartlyTaken()
    {
        await _ipam.PoolAsync("10.0.0.128/25", space: "GlobalDefault");

        Assert.Equal("GlobalDefault/10.0.1.0/24", (await _ipam.PoolAsync(space: "GlobalDefault")).PoolId);
        Assert.Equal("GlobalDefault/10.0.2.0/24", (await _ipam.PoolAsync(space: "GlobalDefault")).PoolId);
    }

    [Theory]
    [InlineData("255.255.255.0/24", 26, "255.255.255.200/29", false)]
    [InlineData("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ff00/120", 122, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffc8/125", true)]
    public async Task RequestPoolAsync_BlockAtTheTopOfTheAddressSpace_EndsCleanly(string baseCidr, int size, string taken, bool v6)
    {
        var ipam = new DefaultIpam(new DefaultIpamOptions { LocalPools = [new(baseCidr, size)] });
        await ipam.PoolAsync(taken);

        var given = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            given.Add((await ipam.PoolAsync(v6: v6)).Pool.ToString());
        }

        Assert.Equal(ipam.PredefinedPoolsOf(Local, v6).Take(3).Select(p => p.ToString()), given);
        await FailsAsync(() => ipam.PoolAsync(v6: v6), ErrorCategory.NotFound, "could not find an available");
    }

    [Fact]
    public async Task RequestPoolAsync_AutoV6_FailsWithTheReferenceText()
    {
        await FailsAsync(() => _ipam.PoolAsync(v6: true), ErrorCategory.NotFound, NoV6);
    }

    [Fact]
    public async Task RequestPoolAsync_ConfiguredV6Pools_AreHandedOutForV6Only()
    {
        var ipam = new DefaultIpam(new DefaultIpamOptions { LocalPools = [new("fd00:1::/48", 64), new("10.9.0.0/16", 24)] });

        Assert.Equal("LocalDefault/fd00:1::/64", (await ipam.PoolAsync(v6: true)).PoolId);
        Assert.Equal("LocalDefault/fd00:1:0:1::/64", (await ipam.PoolAsync(v6: true)).PoolId);
        Assert.Equal("LocalDefault/10.9.0.0/24", (await ipam.PoolAsync()).PoolId);
    }

    [Fact]
    public async Task RequestPoolAsync_ExplicitPoolWithHostBits_IdAndPoolAreTheMaskedNetwork()
    {
        var pool = await _ipam.PoolAsync("172.18.0.5/16");

        Assert.Equal("LocalDefault/172.18.0.0/16", pool.PoolId);
        Assert.Equal(P("172.18.0.0/16"), pool.Pool);
        Assert.Null(pool.Data);
    }

    [Theory]
    [InlineData("172.18.0.0/16", "already reserved")]
    [InlineData("172.18.9.0/24", "overlaps pool LocalDefault/172.18.0.0/16")]
    [InlineData("172.16.0.0/12", "overlaps pool LocalDefault/172.18.0.0/16")]
    public async Task RequestPoolAsync_ExplicitPoolEqualOrOverlapping_IsPoolOverlap(string second, string detail)
    {
        await _ipam.PoolAsync("172.18.0.0/16");

        await FailsAsync(
            () => _ipam.PoolAsync(second), ErrorCategory.Conflict, "Pool overlaps with other one on this address space", detail);
    }

    [Fact]
    public async Task RequestPoolAsync_SamePoolInTheOtherSpace_IsAllowed()
    {
        var local = await _ipam.PoolAsync("10.5.0.0/16");
        var global = await _ipam.PoolAsync("10.5.0.0/16", space: "GlobalDefault");

        Assert.Equal("LocalDefault/10.5.0.0/16", local.PoolId);
        Assert.Equal("GlobalDefault/10.5.0.0/16", global.PoolId);
    }

    [Fact]
    public async Task RequestPoolAsync_SubPoolWithoutPool_IsInvalidSubPool()
    {
        await FailsAsync(() => _ipam.PoolAsync(subPool: "172.28.5.0/24"), ErrorCategory.InvalidParameter, "Invalid Address SubPool");
    }

    [Theory]
    [InlineData("172.29.0.0/24")]
    [InlineData("172.0.0.0/8")]
    [InlineData("2001:db8::/120")]
    public async Task RequestPoolAsync_SubPoolNotInsidePool_IsInvalidSubPool(string subPool)
    {
        // The reference accepts these (docs/reference-host.md §10, item 34); Cnm refuses them.
        await FailsAsync(
            () => _ipam.PoolAsync("172.28.0.0/16", subPool), ErrorCategory.InvalidParameter, "Invalid Address SubPool", subPool);
        Assert.Empty(_ipam.Snapshot());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("172.28.0.0/16")]
    public async Task RequestPoolAsync_EmptyAddressSpace_IsInvalidAddressSpace(string? pool)
    {
        await FailsAsync(() => _ipam.PoolAsync(pool, space: ""), ErrorCategory.InvalidParameter, "Invalid Address Space");
    }

    [Fact]
    public async Task RequestPoolAsync_UnknownSpaceExplicitPool_IsInvalidParameterNamingTheSpace()
    {
        await FailsAsync(
            () => _ipam.PoolAsync("172.28.0.0/16", space: "Elsewhere"), ErrorCategory.InvalidParameter, "Invalid Address Space", "Elsewhere");
    }

    [Fact]
    public async Task RequestPoolAsync_UnknownSpaceAutoPool_IsNotImplemented()
    {
        await FailsAsync(
            () => _ipam.PoolAsync(space: "Elsewhere"), ErrorCategory.NotImplemented, "no default pool available for non-default address spaces");
    }

    [Fact]
    public async Task RequestPoolAsync_SubPool_IdKeepsTheSubPoolAndCreatesTheParent()
    {
        var pool = await _ipam.PoolAsync("172.28.0.0/16", "172.28.5.0/24");

        Assert.Equal("LocalDefault/172.28.0.0/16/172.28.5.0/24", pool.PoolId);
        Assert.Equal(P("172.28.0.0/16"), pool.Pool);
        Assert.Equal(
            [
                new PoolUsage("LocalDefault/172.28.0.0/16", Local, P("172.28.0.0/16"), null, 65_534, 0, 1),
                new PoolUsage("LocalDefault/172.28.0.0/16/172.28.5.0/24", Local, P("172.28.0.0/16"), P("172.28.5.0/24"), 256, 0, 1),
            ],
            _ipam.Snapshot());
    }

    [Fact]
    public async Task RequestPoolAsync_SubPoolWithHostBits_IdKeepsThemAsGiven()
    {
        var pool = await _ipam.PoolAsync("172.28.0.0/16", "172.28.5.7/24");

        Assert.Equal("LocalDefault/172.28.0.0/16/172.28.5.7/24", pool.PoolId);
        Assert.Equal("172.28.5.0/16", await _ipam.AddressAsync(pool.PoolId));
    }

    [Fact]
    public async Task RequestPoolAsync_SubPoolOfAnExistingMaster_SharesItsAddresses()
    {
        var master = await _ipam.PoolIdAsync("172.28.0.0/16");
        await _ipam.AddressAsync(master, "172.28.5.0");

        var sub = await _ipam.PoolIdAsync("172.28.0.0/16", "172.28.5.0/24");

        Assert.Equal("172.28.5.1/16", await _ipam.AddressAsync(sub));
        await FailsAsync(() => _ipam.AddressAsync(master, "172.28.5.1"), ErrorCategory.Conflict, "Address already in use");
        var usage = _ipam.Snapshot();
        Assert.Equal(2, usage.Single(u => u.PoolId == master).References);
        Assert.Equal(2UL, usage.Single(u => u.PoolId == sub).Used);
    }

    [Fact]
    public async Task RequestPoolAsync_SameSubPoolTwice_IsPoolOverlap()
    {
        await _ipam.PoolAsync("172.28.0.0/16", "172.28.5.0/24");

        await FailsAsync(() => _ipam.PoolAsync("172.28.0.0/16", "172.28.5.0/24"), ErrorCategory.Conflict, "Pool overlaps");
    }

    [Fact]
    public async Task RequestPoolAsync_TwoSubPoolsOfOneMaster_ShareTheParent()
    {
        var a = await _ipam.PoolIdAsync("172.28.0.0/16", "172.28.5.0/24");
        var b = await _ipam.PoolIdAsync("172.28.0.0/16", "172.28.6.0/24");

        Assert.Equal(2, _ipam.Snapshot().Single(u => u.PoolId == "LocalDefault/172.28.0.0/16").References);
        Assert.Equal("172.28.5.0/16", await _ipam.AddressAsync(a));
        Assert.Equal("172.28.6.0/16", await _ipam.AddressAsync(b));
    }

    [Fact]
    public async Task RequestPoolAsync_MasterWhoseIdExistsAsAParent_IsPoolOverlap()
    {
        await _ipam.PoolAsync("172.28.0.0/16", "172.28.5.0/24");

        await FailsAsync(() => _ipam.PoolAsync("172.28.0.0/16"), ErrorCategory.Conflict, "already reserved");
    }

    [Fact]
    public async Task RequestPoolAsync_ImplicitParentOverlappingAnotherMaster_IsPoolOverlap()
    {
        // The reference creates the overlapping parent; two bitmaps would then own 172.28.0.0/24.
        await _ipam.PoolAsync("172.28.0.0/16");

        await FailsAsync(
            () => _ipam.PoolAsync("172.28.0.0/24", "172.28.0.0/25"), ErrorCategory.Conflict, "overlaps pool LocalDefault/172.28.0.0/16");
        Assert.Single(_ipam.Snapshot());
    }

    [Fact]
    public async Task ReleasePoolAsync_UnknownOrTwice_IsPoolNotFound()
    {
        var pool = await _ipam.PoolIdAsync("172.18.0.0/16");
        await _ipam.ReleasePoolAsync(pool);

        await FailsAsync(() => _ipam.ReleasePoolAsync(pool), ErrorCategory.NotFound, "Address Pool not found", pool);
        await FailsAsync(() => _ipam.ReleasePoolAsync("LocalDefault/10.0.0.0/8"), ErrorCategory.NotFound, "Address Pool not found");
        await FailsAsync(() => _ipam.ReleasePoolAsync("Elsewhere/10.0.0.0/8"), ErrorCategory.NotFound, "Address Pool not found");
    }

    [Theory]
    [InlineData("LocalDefault")]
    [InlineData("LocalDefault/172.18.0.0")]
    [InlineData("LocalDefault/172.18.0.0/16/172.18.1.0")]
    public async Task ReleasePoolAsync_MalformedId_IsInvalidParameter(string poolId)
    {
        await FailsAsync(() => _ipam.ReleasePoolAsync(poolId), ErrorCategory.InvalidParameter, "invalid pool id");
    }

    [Fact]
    public async Task ReleasePoolAsync_MasterHeldBySubPools_StaysUntilTheLastOneGoes()
    {
        var master = await _ipam.PoolIdAsync("172.28.0.0/16");
        var sub = await _ipam.PoolIdAsync("172.28.0.0/16", "172.28.5.0/24");
        await _ipam.AddressAsync(master, "172.28.1.1");

        await _ipam.ReleasePoolAsync(master);

        Assert.Equal(1, _ipam.Snapshot().Single(u => u.PoolId == master).References);
        await FailsAsync(() => _ipam.AddressAsync(sub, "172.28.1.1"), ErrorCategory.Conflict, "Address already in use");
        await FailsAsync(() => _ipam.ReleasePoolAsync(master), ErrorCategory.NotFound, "parent of 1 sub-pool");
        await _ipam.ReleasePoolAsync(sub);
        Assert.Empty(_ipam.Snapshot());
    }

    [Fact]
    public async Task ReleasePoolAsync_LastReference_DropsItsAddresses()
    {
        var pool = await _ipam.PoolIdAsync("172.18.0.0/16");
        await _ipam.AddressAsync(pool);
        await _ipam.AddressAsync(pool, "172.18.3.3");

        await _ipam.ReleasePoolAsync(pool);
        var again = await _ipam.PoolIdAsync("172.18.0.0/16");

        Assert.Equal("172.18.0.1/16", await _ipam.AddressAsync(again));
        Assert.Equal("172.18.3.3/16", await _ipam.AddressAsync(again, "172.18.3.3"));
    }

    [Fact]
    public async Task Snapshot_ManyPoolsAcrossSpaces_IsOrderedBySpaceFamilyAddress()
    {
        await _ipam.PoolAsync("2001:db8::/64");
        await _ipam.PoolAsync("10.0.0.0/16", space: "GlobalDefault");
        await _ipam.PoolAsync("172.28.0.0/16", "172.28.6.0/24");
        await _ipam.PoolAsync("172.18.0.0/16");
        await _ipam.PoolAsync("172.28.0.0/16", "172.28.5.0/24");

        Assert.Equal(
            [
                "LocalDefault/172.18.0.0/16",
                "LocalDefault/172.28.0.0/16",
                "LocalDefault/172.28.0.0/16/172.28.5.0/24",
                "LocalDefault/172.28.0.0/16/172.28.6.0/24",
                "LocalDefault/2001:db8::/64",
                "GlobalDefault/10.0.0.0/16",
            ],
            _ipam.Snapshot().Select(u => u.PoolId));
    }

    [Theory]
    [InlineData("10/8", 16, "is not a CIDR")]
    [InlineData("nonsense", 16, "is not a CIDR")]
    [InlineData("172.20.0.0/14", 12, "size 12 cannot split 172.20.0.0/14")]
    [InlineData("172.20.0.0/14", 33, "size 33")]
    [InlineData("0.0.0.0/0", 0, "size 0")]
    public void Constructor_InvalidPredefinedPool_ThrowsNamingTheEntry(string baseCidr, int size, string detail)
    {
        var options = new DefaultIpamOptions { LocalPools = [new("172.17.0.0/16", 16), new(baseCidr, size)] };

        var error = Assert.Throws<ArgumentException>(() => new DefaultIpam(options));

        Assert.Contains("DefaultIpamOptions.LocalPools[1]", error.Message, StringComparison.Ordinal);
        Assert.Contains(detail, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_NullPoolList_ThrowsNamingTheOption()
    {
        var error = Assert.Throws<ArgumentException>(() => new DefaultIpam(new DefaultIpamOptions { GlobalPools = null! }));

        Assert.Contains("DefaultIpamOptions.GlobalPools", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Constructor_BaseWithHostBits_IsMaskedAsTheReferenceDoes()
    {
        var ipam = new DefaultIpam(new DefaultIpamOptions { LocalPools = [new("10.7.1.0/16", 24)] });

        Assert.Equal("10.7.0.0/24", (await ipam.PoolAsync()).Pool.ToString());
    }

    [Fact]
    public async Task RequestPoolAsync_EmptyPredefinedList_OnlyExplicitPoolsWork()
    {
        var ipam = new DefaultIpam(new DefaultIpamOptions { LocalPools = [] });

        await FailsAsync(() => ipam.PoolAsync(), ErrorCategory.NotFound, NoV4);
        Assert.Equal("LocalDefault/10.1.0.0/16", await ipam.PoolIdAsync("10.1.0.0/16"));
    }

    [Fact]
    public async Task RequestPoolAsync_CancelledToken_IsCancelled()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => _ipam.RequestPoolAsync(new PoolRequest(Local), cts.Token));
        Assert.Empty(_ipam.Snapshot());
    }
}
