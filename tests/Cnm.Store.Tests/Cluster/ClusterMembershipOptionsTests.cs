using Cnm.Core.Cluster;
using Cnm.Core.Errors;
using Cnm.Core.Store;
using Cnm.Protocol;

namespace Cnm.Store.Tests.Cluster;

/// <summary>Bad membership options are refused with an error that names the option and the rule.</summary>
public sealed class ClusterMembershipOptionsTests
{
    [Fact]
    public void Validate_NodeNameOf254Characters_IsInvalidParameter()
    {
        var options = new ClusterMembershipOptions { NodeName = new string('n', 254), AdvertiseAddress = "10.0.0.1" };

        Assert.Equal(ErrorCategory.InvalidParameter, Assert.Throws<CnmException>(options.Validate).Category);
        options.NodeName = new string('n', 253);
        options.Validate();
    }

    [Theory]
    [InlineData("", "10.0.0.1", 15, "node name \"\"")]
    [InlineData("a/b", "10.0.0.1", 15, "node name \"a/b\"")]
    [InlineData("a b", "10.0.0.1", 15, "node name \"a b\"")]
    [InlineData("node", "", 15, "advertise address \"\"")]
    [InlineData("node", "host.example", 15, "advertise address \"host.example\"")]
    [InlineData("node", "10.0.0.0/24", 15, "advertise address \"10.0.0.0/24\"")]
    [InlineData("node", "10.0.0.1", 1, "cluster lease TTL")]
    [InlineData("node", "10.0.0.1", 7200, "cluster lease TTL")]
    public void Validate_BadOption_IsInvalidParameterNamingIt(string name, string address, int ttlSeconds, string named)
    {
        var options = new ClusterMembershipOptions { NodeName = name, AdvertiseAddress = address, LeaseTtl = TimeSpan.FromSeconds(ttlSeconds) };

        var error = Assert.Throws<CnmException>(options.Validate);

        Assert.Equal(ErrorCategory.InvalidParameter, error.Category);
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.0.0.5", "10.0.0.5")]
    [InlineData("10.0.0.5:7946", "10.0.0.5")]
    [InlineData("[fd00::5]:7946", "fd00::5")]
    [InlineData("fd00::5", "fd00::5")]
    public void Ip_AdvertiseAddressWithOrWithoutPort_IsTheIpAlone(string address, string ip)
    {
        AdvertiseAddress.Validate(address);

        Assert.Equal(ip, new ClusterMember("n", address, "x").Ip);
    }

    [Fact]
    public async Task StartAsync_StoreWithoutLeases_IsInvalidParameter()
    {
        await using var store = new InMemoryKeyValueStore();
        var options = new ClusterMembershipOptions { NodeName = "n", AdvertiseAddress = "10.0.0.1" };

        var error = await Assert.ThrowsAsync<CnmException>(() => ClusterMembership.StartAsync(store, options, (_, _, _) => Task.CompletedTask, null, CancellationToken.None));

        Assert.Equal(ErrorCategory.InvalidParameter, error.Category);
        Assert.Contains("leases", error.Message, StringComparison.Ordinal);
    }
}
