using System.Text.Json;
using Cnm.Core.Control;
using Cnm.Core.Drivers;
using Cnm.Core.Errors;
using Cnm.Core.Model;
using Cnm.Protocol;

namespace Cnm.Core.Tests.Control;

public sealed class ControllerNetworkTests
{
    [Fact]
    public async Task CreateNetworkAsync_Plain_RequestsPoolThenGatewayThenCreatesNetwork()
    {
        var h = await ControllerHarness.CreateAsync();

        var network = await h.NetworkAsync("n1");

        Assert.Equal(["RequestPool", "RequestAddress  gateway", "CreateNetwork " + network.Id[..8]], h.Log.Calls);
        Assert.Equal(64, network.Id.Length);
        var pool = Assert.Single(network.IPv4Pools);
        Assert.Equal("172.17.0.0/16", pool.Pool.ToString());
        Assert.Equal("172.17.0.1/16", pool.Gateway.ToString());
        var request = Assert.Single(h.Driver.Networks);
        Assert.Equal("172.17.0.1/16", Assert.Single(request.IPv4Data).Gateway.ToString());
        Assert.Empty(request.IPv6Data);
        Assert.False(request.Options["com.docker.network.enable_ipv6"].GetBoolean());
        Assert.Equal(JsonValueKind.Object, request.Options["com.docker.network.generic"].ValueKind);
        Assert.False(request.Options.ContainsKey("com.docker.network.internal"));
    }

    [Fact]
    public async Task CreateNetworkAsync_SubnetRangeGatewayAux_FollowsReferenceOrder()
    {
        var h = await ControllerHarness.CreateAsync();

        var network = await h.NetworkAsync("n1", o => o with
        {
            IPv4 = [new IpamConfig("10.10.0.0/16", "10.10.1.0/24", "10.10.0.254", new Dictionary<string, string> { ["a"] = "10.10.0.5", ["b"] = "10.10.0.6" })],
            DriverOptions = new Dictionary<string, string> { ["mtu"] = "1400" },
            Internal = true,
        });

        Assert.Equal(["RequestPool 10.10.0.0/16", "RequestAddress 10.10.0.254 gateway", "RequestAddress 10.10.0.5", "RequestAddress 10.10.0.6",
            "CreateNetwork " + network.Id[..8]], h.Log.Calls);
        var data = Assert.Single(Assert.Single(h.Driver.Networks).IPv4Data);
        Assert.Equal("10.10.0.254/16", data.Gateway.ToString());
        Assert.Equal("10.10.0.5/16", data.AuxAddresses!["a"].ToString());
        var options = Assert.Single(h.Driver.Networks).Options;
        Assert.Equal("1400", options["com.docker.network.generic"].GetProperty("mtu").GetString());
        Assert.True(options["com.docker.network.internal"].GetBoolean());
    }

    [Fact]
    public async Task CreateNetworkAsync_DualStack_AllocatesV4ThenV6()
    {
        var h = await ControllerHarness.CreateAsync();

        var network = await h.NetworkAsync("n1", o => o with { EnableIPv6 = true, IPv6 = [new IpamConfig("2001:db8:1::/64")] });

        Assert.Equal(["RequestPool", "RequestAddress  gateway", "RequestPool 2001:db8:1::/64 v6", "RequestAddress  gateway", "CreateNetwork " + network.Id[..8]],
            h.Log.Calls);
        Assert.Equal("2001:db8:1::1/64", Assert.Single(network.IPv6Pools).Gateway.ToString());
        Assert.True(Assert.Single(h.Driver.Networks).Options["com.docker.network.enable_ipv6"].GetBoolean());
    }

    [Fact]
    public async Task CreateNetworkAsync_FailureAtEveryStep_LeavesNothingBehind()
    {
        var h = await ControllerHarness.CreateAsync();
        await h.NetworkAsync("keep");
        var before = h.Snapshot();
        var failures = 0;
        for (var step = 0; ; step++)
        {
            h.Log.FailAtCall(step);
            try
            {
                await h.NetworkAsync("n1", o => o with
                {
                    EnableIPv6 = true,
                    IPv4 = [new IpamConfig("10.20.0.0/16", "10.20.1.0/24", "10.20.0.1", new Dictionary<string, string> { ["a"] = "10.20.0.9" })],
                    IPv6 = [new IpamConfig("2001:db8:2::/64")],
                });
                break;
            }
            catch (CnmException ex)
            {
                failures++;
                Assert.Contains("injected failure", ex.Message, StringComparison.Ordinal);
                Assert.Equal(before, h.Snapshot());
            }
        }

        Assert.Equal(6, failures); // pool, gateway, aux, v6 pool, v6 gateway, CreateNetwork
        Assert.NotEqual(before, h.Snapshot());
    }

    public static TheoryData<string, Func<NetworkCreateOptions, NetworkCreateOptions>, ErrorCategory, string> BadInput => new()
    {
        { "invalid CIDR", o => o with { IPv4 = [new IpamConfig("10.0.0.0/33")] }, ErrorCategory.InvalidParameter, "invalid subnet \"10.0.0.0/33\"" },
        { "not a CIDR", o => o with { IPv4 = [new IpamConfig("banana")] }, ErrorCategory.InvalidParameter, "invalid subnet" },
        { "gateway outside", o => o with { IPv4 = [new IpamConfig("10.1.0.0/24", Gateway: "10.2.0.1")] }, ErrorCategory.InvalidParameter, "gateway 10.2.0.1 is not inside subnet 10.1.0.0/24" },
        { "ip-range outside", o => o with { IPv4 = [new IpamConfig("10.1.0.0/24", "10.9.0.0/25")] }, ErrorCategory.InvalidParameter, "ip-range 10.9.0.0/25 is not inside subnet" },
        { "ip-range bigger", o => o with { IPv4 = [new IpamConfig("10.1.0.0/24", "10.1.0.0/16")] }, ErrorCategory.InvalidParameter, "is not inside subnet" },
        { "aux outside", o => o with { IPv4 = [new IpamConfig("10.1.0.0/24", AuxAddresses: new Dictionary<string, string> { ["x"] = "10.3.0.1" })] }, ErrorCategory.InvalidParameter, "aux-address x 10.3.0.1" },
        { "v6 subnet in v4 list", o => o with { IPv4 = [new IpamConfig("2001:db8::/64")] }, ErrorCategory.InvalidParameter, "is not an IPv4 subnet" },
        { "v6 without enable", o => o with { IPv6 = [new IpamConfig("2001:db8::/64")] }, ErrorCategory.InvalidParameter, "IPv6 is not enabled" },
        { "unknown driver", o => o with { Driver = "nosuch" }, ErrorCategory.NotFound, "network driver \"nosuch\" not found" },
        { "unknown ipam", o => o with { IpamDriver = "nosuch" }, ErrorCategory.NotFound, "IPAM driver \"nosuch\" not found" },
        { "duplicate name", o => o with { Name = "keep" }, ErrorCategory.Conflict, "network with name keep already exists" },
        { "empty name", o => o with { Name = " " }, ErrorCategory.InvalidParameter, "name must not be empty" },
        { "overlapping pool", o => o with { IPv4 = [new IpamConfig("172.17.0.0/24")] }, ErrorCategory.Conflict, "overlaps" },
    };

    [Theory]
    [MemberData(nameof(BadInput))]
    public async Task CreateNetworkAsync_BadInput_ClearErrorAndNothingChanges(string scenario, Func<NetworkCreateOptions, NetworkCreateOptions> configure,
        ErrorCategory category, string message)
    {
        var h = await ControllerHarness.CreateAsync();
        await h.NetworkAsync("keep");
        var before = h.Snapshot();

        var error = await Assert.ThrowsAsync<CnmException>(() => h.NetworkAsync("n1", configure));

        Assert.True(error.Category == category, $"{scenario}: {error.Category} {error.Message}");
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Equal(before, h.Snapshot());
    }

    [Fact]
    public async Task DeleteNetworkAsync_DeletesInDriverThenReleasesIpam()
    {
        var h = await ControllerHarness.CreateAsync();
        var empty = h.Snapshot();
        var network = await h.NetworkAsync("n1", o => o with { IPv4 = [new IpamConfig("10.5.0.0/24", AuxAddresses: new Dictionary<string, string> { ["a"] = "10.5.0.7" })] });
        h.Log.Clear();

        await h.Controller.DeleteNetworkAsync("n1", force: false, CancellationToken.None);

        Assert.Equal(["DeleteNetwork " + network.Id[..8], "ReleaseAddress 10.5.0.1", "ReleaseAddress 10.5.0.7", "ReleasePool LocalDefault/10.5.0.0/24"], h.Log.Calls);
        Assert.Equal(empty, h.Snapshot());
    }

    [Fact]
    public async Task DeleteNetworkAsync_DriverRefuses_FailsAndChangesNothing()
    {
        var h = await ControllerHarness.CreateAsync();
        await h.NetworkAsync("n1");
        var before = h.Snapshot();
        h.Log.FailNext("DeleteNetwork");

        var error = await Assert.ThrowsAsync<CnmException>(() => h.Controller.DeleteNetworkAsync("n1", false, CancellationToken.None));

        Assert.Contains("network n1: driver fake failed to delete it", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, h.Snapshot());
        Assert.Equal(ObjectState.Ready, h.Controller.GetNetwork("n1").State);
    }

    [Fact]
    public async Task DeleteNetworkAsync_ForcedAndDriverRefuses_DeletesLocally()
    {
        var h = await ControllerHarness.CreateAsync();
        var empty = h.Snapshot();
        await h.NetworkAsync("n1");
        h.Log.FailNext("DeleteNetwork");

        await h.Controller.DeleteNetworkAsync("n1", force: true, CancellationToken.None);

        Assert.Equal(empty, h.Snapshot());
    }

    [Fact]
    public async Task DeleteNetworkAsync_IpamReleaseFailsAfterDriverDeleted_NetworkIsGoneAnyway()
    {
        var h = await ControllerHarness.CreateAsync();
        await h.NetworkAsync("n1");
        h.Log.FailNext("ReleasePool");

        await h.Controller.DeleteNetworkAsync("n1", force: false, CancellationToken.None);

        Assert.Empty(h.Controller.Networks);
        Assert.Contains("ReleasePool", h.Log.Names);
    }

    [Fact]
    public async Task DeleteNetworkAsync_WithEndpoints_IsForbiddenNamingThem()
    {
        var h = await ControllerHarness.CreateAsync();
        var network = await h.NetworkAsync("n1");
        await h.EndpointAsync(network, "web");

        var error = await Assert.ThrowsAsync<CnmException>(() => h.Controller.DeleteNetworkAsync("n1", false, CancellationToken.None));

        Assert.Equal(ErrorCategory.Forbidden, error.Category);
        Assert.Contains("has active endpoints (web)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetNetwork_ByNameIdAndUniquePrefix()
    {
        var h = await ControllerHarness.CreateAsync();
        var network = await h.NetworkAsync("n1");

        Assert.Equal(network.Id, h.Controller.GetNetwork("n1").Id);
        Assert.Equal(network.Id, h.Controller.GetNetwork(network.Id).Id);
        Assert.Equal(network.Id, h.Controller.GetNetwork(network.Id[..6]).Id);
        Assert.Equal(ErrorCategory.NotFound, Assert.Throws<CnmException>(() => h.Controller.GetNetwork("nope")).Category);
    }

    [Fact]
    public async Task CreateNetworkAsync_NullDriver_SkipsIpam()
    {
        var h = await ControllerHarness.CreateAsync();

        var network = await h.Controller.CreateNetworkAsync(new NetworkCreateOptions { Name = "none", Driver = BuiltInDrivers.Null }, CancellationToken.None);

        Assert.Empty(network.IPv4Pools);
        Assert.Empty(h.Log.Calls);
        Assert.Empty(h.Ipam.Snapshot());
    }

    [Theory]
    [InlineData(BuiltInDrivers.Null, BuiltInDrivers.Host)]
    [InlineData(BuiltInDrivers.Host, BuiltInDrivers.Null)]
    public async Task CreateNetworkAsync_SecondNetworkOfNullOrHost_ForbiddenWithReferenceMessageUntilTheFirstIsGone(string driver, string other)
    {
        var h = await ControllerHarness.CreateAsync();
        await h.Controller.CreateNetworkAsync(new NetworkCreateOptions { Name = "one", Driver = driver }, CancellationToken.None);

        var error = await Assert.ThrowsAsync<CnmException>(() => h.Controller.CreateNetworkAsync(
            new NetworkCreateOptions { Name = "two", Driver = driver }, CancellationToken.None));

        Assert.Equal(ErrorCategory.Forbidden, error.Category);
        Assert.Equal($"only one instance of \"{driver}\" network is allowed", error.Message);
        Assert.Equal(["one"], h.Controller.Networks.Select(n => n.Name));
        Assert.Empty(h.Log.Calls);

        // The other special driver has its own instance, and a plugin driver any number.
        await h.Controller.CreateNetworkAsync(new NetworkCreateOptions { Name = "three", Driver = other }, CancellationToken.None);
        await h.NetworkAsync("four");
        await h.NetworkAsync("five");

        await h.Controller.DeleteNetworkAsync("one", force: false, CancellationToken.None);
        var again = await h.Controller.CreateNetworkAsync(new NetworkCreateOptions { Name = "two", Driver = driver }, CancellationToken.None);
        Assert.Equal(driver, again.Driver);
    }

    [Fact]
    public async Task CreateNetworkAsync_TwoNullNetworksAtOnce_ExactlyOneIsCreated()
    {
        var h = await ControllerHarness.CreateAsync();

        var attempts = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            try
            {
                await h.Controller.CreateNetworkAsync(new NetworkCreateOptions { Name = $"n{i}", Driver = BuiltInDrivers.Null }, CancellationToken.None);
                return (ErrorCategory?)null;
            }
            catch (CnmException ex)
            {
                return ex.Category;
            }
        })));

        Assert.Single(attempts, a => a is null);
        Assert.All(attempts.Where(a => a is not null), a => Assert.Equal(ErrorCategory.Forbidden, a));
        Assert.Single(h.Controller.Networks);
    }

    [Theory]
    [InlineData(BuiltInDrivers.Null)]
    [InlineData(BuiltInDrivers.Host)]
    public async Task CreateNetworkAsync_SubnetOnDriverWithoutIpam_RefusedNamingTheDriverAndCreatesNothing(string driver)
    {
        var h = await ControllerHarness.CreateAsync();

        var error = await Assert.ThrowsAsync<CnmException>(() => h.Controller.CreateNetworkAsync(
            new NetworkCreateOptions { Name = "none", Driver = driver, IPv4 = [new IpamConfig("10.50.0.0/24", Gateway: "10.50.0.1")] }, CancellationToken.None));

        Assert.Equal(ErrorCategory.InvalidParameter, error.Category);
        Assert.Contains($"network none: driver {driver} manages no addresses", error.Message, StringComparison.Ordinal);
        Assert.Contains("--subnet", error.Message, StringComparison.Ordinal);
        Assert.Empty(h.Controller.Networks);
        Assert.Empty(h.Ipam.Snapshot());
    }

    [Fact]
    public async Task CreateEndpointAsync_StaticAddressOnNetworkWithoutPools_RefusedNamingNetworkAndDriver()
    {
        var h = await ControllerHarness.CreateAsync();
        await h.Controller.CreateNetworkAsync(new NetworkCreateOptions { Name = "none", Driver = BuiltInDrivers.Null }, CancellationToken.None);

        var error = await Assert.ThrowsAsync<CnmException>(() => h.Controller.CreateEndpointAsync("none",
            new EndpointCreateOptions { Name = "e", IPv4Address = "10.60.0.5" }, CancellationToken.None));

        Assert.Equal(ErrorCategory.InvalidParameter, error.Category);
        Assert.Contains("static address 10.60.0.5", error.Message, StringComparison.Ordinal);
        Assert.Contains("network none (driver null) has no IPv4 address pools", error.Message, StringComparison.Ordinal);
        Assert.Empty(h.Controller.Endpoints);
    }

    [Fact]
    public async Task CreateAsync_BuiltInModuleFails_Throws()
    {
        var error = await Assert.ThrowsAsync<CnmException>(() => Controller.CreateAsync(new ControllerOptions(), [new ThrowingModule()]));

        Assert.Contains("built-in driver module \"broken\" failed to initialise: no bridge", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Registrar_PluginNamedLikeBuiltIn_IsRefused()
    {
        var log = new CallLog();
        var plugin = new FakeModule(BuiltInDrivers.Null, new FakeNetworkDriver(log), "x", new RecordingIpam(Cnm.Core.Ipam.BuiltInIpams.CreateDefault(), log));
        var controller = await Controller.CreateAsync(new ControllerOptions(), [new Cnm.Core.Drivers.BuiltIn.BuiltInDriverModule(), plugin]);

        var network = await controller.CreateNetworkAsync(new NetworkCreateOptions { Name = "n", Driver = BuiltInDrivers.Null }, CancellationToken.None);

        Assert.Empty(log.Calls); // still the built-in null driver
        Assert.Equal(BuiltInDrivers.Null, network.Driver);
    }

    private sealed class ThrowingModule : IDriverModule
    {
        public string Name => "broken";

        public Task InitializeAsync(IDriverRegistrar registrar, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("no bridge");
    }
}
