using Cnm.Protocol.Ipam;
using Cnm.Samples.FileIpam;
using Cnm.Testing;

namespace Cnm.Plugins.Samples.Tests;

public class FileIpamDriverTests
{
    [Fact]
    public async Task RequestAddress_SmallPool_ExhaustsWithClearError()
    {
        using var temp = new TempDirectory("cnm-fileipam");
        using var driver = new FileIpamDriver(temp.File("s.json"), requiresMacAddress: false);
        var pool = await driver.RequestPoolAsync(new RequestPoolRequest("L", "10.5.0.0/30", "", null, false), default);

        await driver.RequestAddressAsync(new RequestAddressRequest(pool.PoolId!, "", null), default);
        await driver.RequestAddressAsync(new RequestAddressRequest(pool.PoolId!, "", null), default);
        var full = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            driver.RequestAddressAsync(new RequestAddressRequest(pool.PoolId!, "", null), default));

        Assert.Contains("no free address left in pool 10.5.0.0/30", full.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequestPool_Overlapping_IsRefused()
    {
        using var temp = new TempDirectory("cnm-fileipam");
        using var driver = new FileIpamDriver(temp.File("s.json"), requiresMacAddress: false);
        await driver.RequestPoolAsync(new RequestPoolRequest("L", "10.6.0.0/16", "", null, false), default);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            driver.RequestPoolAsync(new RequestPoolRequest("L", "10.6.3.0/24", "", null, false), default));

        Assert.Contains("overlaps pool 10.6.0.0/16", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReleaseAddress_Twice_Succeeds_AndUnknownPoolIsAClearError()
    {
        using var temp = new TempDirectory("cnm-fileipam");
        using var driver = new FileIpamDriver(temp.File("s.json"), requiresMacAddress: false);
        var pool = await driver.RequestPoolAsync(new RequestPoolRequest("L", "10.8.0.0/24", "", null, false), default);
        var address = await driver.RequestAddressAsync(new RequestAddressRequest(pool.PoolId!, "", null), default);

        await driver.ReleaseAddressAsync(new ReleaseAddressRequest(pool.PoolId!, "10.8.0.1"), default);
        await driver.ReleaseAddressAsync(new ReleaseAddressRequest(pool.PoolId!, "10.8.0.1"), default);
        await driver.ReleaseAddressAsync(new ReleaseAddressRequest("L/1.2.3.0/24", "1.2.3.4"), default);
        var unknown = await Assert.ThrowsAsync<KeyNotFoundException>(() =>
            driver.RequestAddressAsync(new RequestAddressRequest("L/1.2.3.0/24", "", null), default));

        Assert.Equal("10.8.0.1/24", address.Address);
        Assert.Empty(driver.AddressesOf(pool.PoolId!));
        Assert.Contains("pool L/1.2.3.0/24 not found", unknown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_CorruptStateFile_SaysWhichFile()
    {
        using var temp = new TempDirectory("cnm-fileipam");
        var path = temp.WriteFile("s.json", "{ not json");

        var error = Assert.Throws<InvalidDataException>(() => new FileIpamDriver(path, requiresMacAddress: false));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }
}
