using System.Net;
using System.Net.NetworkInformation;
using Cnm.Core.Errors;
using Cnm.Core.Ipam;
using Cnm.Core.Model;
using Cnm.Core.Net;
using Cnm.Protocol;

namespace Cnm.Core.Tests.Control;

public sealed class ControllerEndpointTests
{
    [Fact]
    public async Task CreateEndpointAsync_StaticIpAndMac_RequestsAddressThenCreatesEndpoint()
    {
        var h = await ControllerHarness.CreateAsync();
        var network = await h.NetworkAsync("n1", o => o with { IPv4 = [new IpamConfig("10.30.0.0/24")] });
        h.Log.Clear();

        var endpoint = await h.Controller.CreateEndpointAsync("n1", new EndpointCreateOptions
        {
            Name = "web", IPv4Address = "10.30.0.42", MacAddress = "02:42:0a:1e:00:2a",
            DriverOptions = new Dictionary<string, string> { ["k"] = "v" },
        }, CancellationToken.None);

        Assert.Equal(["RequestAddress 10.30.0.42", "CreateEndpoint " + endpoint.Id[..8]], h.Log.Calls);
        Assert.Equal("10.30.0.42/24", endpoint.Address.ToString());
        var (request, address, _) = Assert.Single(h.Driver.Endpoints);
        Assert.Equal("10.30.0.42/24", address.ToString());
        Assert.Equal("v", request.Options["k"].GetString());
        Assert.Equal(Convert.ToBase64String([0x02, 0x42, 0x0a, 0x1e, 0x00, 0x2a]), request.Options["com.docker.network.endpoint.macaddress"].GetString());
        Assert.Equal(network.Id, request.NetworkId);
    }

    [Fact]
    public async Task CreateEndpointAsync_DriverFillsEmptyMac_IsKept()
    {
        var h = await ControllerHarness.CreateAsync();
        await h.NetworkAsync("n1");
        h.Driver.OnCreateEndpoint = (_, iface) =>
        {
            iface.SetMacAddress(PhysicalAddress.Parse("02-00-00-00-00-07"));
            return Task.CompletedTask;
        };

        var endpoint = await h.Controller.CreateEndpointAsync("n1", new EndpointCreateOptions { Name = "e" }, CancellationToken.None);

        Assert.Equal("020000000007", endpoint.MacAddress!.ToString());
    }

    [Fact]
    public async Task CreateEndpointAsync_DriverOverridesIpamAddress_IsForbiddenAndReleased()
    {
        var h = await ControllerHarness.CreateAsync();
        await h.NetworkAsync("n1");
        var before = h.Snapshot();
        h.Driver.OnCreateEndpoint = (_, iface) =>
        {
            iface.SetAddress(IpPrefix.Parse("172.17.9.9/16"));
            return Task.CompletedTask;
        };

        var error = await Assert.ThrowsAsync<CnmException>(() =>
            h.Controller.CreateEndpointAsync("n1", new EndpointCreateOptions { Name = "e" }, CancellationToken.None));

        Assert.Equal(ErrorCategory.Forbidden, error.Category);
        Assert.Contains("already set to 172.17.0.2/16", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, h.Snapshot());
    }

    public static TheoryData<string, EndpointCreateOptions, ErrorCategory, string> BadEndpoints => new()
    {
        { "outside pool", new EndpointCreateOptions { Name = "e", IPv4Address = "10.99.0.1" }, ErrorCategory.InvalidParameter, "does not belong to any of network n1's subnets" },
        { "in use", new EndpointCreateOptions { Name = "e", IPv4Address = "10.40.0.10" }, ErrorCategory.Conflict, "Address already in use" },
        { "gateway in use", new EndpointCreateOptions { Name = "e", IPv4Address = "10.40.0.1" }, ErrorCategory.Conflict, "already in use" },
        { "bad ip", new EndpointCreateOptions { Name = "e", IPv4Address = "10.40.0.300" }, ErrorCategory.InvalidParameter, "invalid IPv4 address" },
        { "bad mac", new EndpointCreateOptions { Name = "e", MacAddress = "zz:42" }, ErrorCategory.InvalidParameter, "invalid MAC address" },
        { "duplicate name", new EndpointCreateOptions { Name = "taken" }, ErrorCategory.Conflict, "endpoint with name taken already exists in network n1" },
        { "v6 on v4 network", new EndpointCreateOptions { Name = "e", IPv6Address = "2001:db8::5" }, ErrorCategory.InvalidParameter, "IPv6 disabled" },
    };

    [Theory]
    [MemberData(nameof(BadEndpoints))]
    public async Task CreateEndpointAsync_BadInput_ClearErrorAndNothingChanges(string scenario, EndpointCreateOptions options, ErrorCategory category, string message)
    {
        var h = await ControllerHarness.CreateAsync();
        var network = await h.NetworkAsync("n1", o => o with { IPv4 = [new IpamConfig("10.40.0.0/24")] });
        await h.EndpointAsync(network, "taken", "10.40.0.10");
        var before = h.Snapshot();

        var error = await Assert.ThrowsAsync<CnmException>(() => h.Controller.CreateEndpointAsync("n1", options, CancellationToken.None));

        Assert.True(error.Category == category, $"{scenario}: {error.Category} {error.Message}");
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Equal(before, h.Snapshot());
    }

    [Fact]
    public async Task EndpointLifecycle_FailureAtEveryStep_LeavesStateAsBefore()
    {
        var h = await ControllerHarness.CreateAsync();
        var network = await h.NetworkAsync("n1", o => o with { EnableIPv6 = true, IPv6 = [new IpamConfig("2001:db8:3::/64")] });
        await h.SandboxAsync("c1");

        // Create: RequestAddress v4, RequestAddress v6, CreateEndpoint.
        var before = h.Snapshot();
        Endpoint? endpoint = null;
        for (var step = 0; endpoint is null; step++)
        {
            h.Log.FailAtCall(step);
            try
            {
                endpoint = await h.EndpointAsync(network, "e");
            }
            catch (CnmException)
            {
                Assert.Equal(before, h.Snapshot());
            }
        }

        // Join: Join, ProgramExternalConnectivity (its failure rolls back with Leave).
        before = h.Snapshot();
        var joined = false;
        for (var step = 0; !joined; step++)
        {
            h.Log.FailAtCall(step);
            try
            {
                await h.Controller.JoinAsync(endpoint.Id, "c1", CancellationToken.None);
                joined = true;
            }
            catch (CnmException)
            {
                Assert.Equal(before, h.Snapshot());
            }
        }

        // The Program failure was undone with Leave; the final join is the third Join call.
        Assert.Equal(3, h.Log.Names.Count(n => n == "Join"));
        Assert.Equal(1, h.Log.Names.Count(n => n == "Leave"));

        // Delete (forced, joined): Revoke, Leave, DeleteEndpoint fail only locally-logged steps; the end state is clean.
        h.Log.FailNext("DeleteEndpoint");
        var refused = await Assert.ThrowsAsync<CnmException>(() => h.Controller.DeleteEndpointAsync(endpoint.Id, force: false, CancellationToken.None));
        Assert.Equal(ErrorCategory.Conflict, refused.Category); // joined and not forced
        await h.Controller.DeleteEndpointAsync(endpoint.Id, force: true, CancellationToken.None);
        Assert.Empty(h.Controller.Endpoints);
        Assert.DoesNotContain(h.Ipam.Snapshot(), p => p.Used > 1); // only the gateways stay allocated
    }

    [Fact]
    public async Task DeleteEndpointAsync_DriverRefusesNormalDelete_ChangesNothing()
    {
        var h = await ControllerHarness.CreateAsync();
        var network = await h.NetworkAsync("n1");
        var endpoint = await h.EndpointAsync(network, "e");
        var before = h.Snapshot();
        h.Log.FailNext("DeleteEndpoint");

        await Assert.ThrowsAsync<CnmException>(() => h.Controller.DeleteEndpointAsync(endpoint.Id, false, CancellationToken.None));

        Assert.Equal(before, h.Snapshot());
        h.Log.Clear();
        await h.Controller.DeleteEndpointAsync(endpoint.Id, false, CancellationToken.None);
        Assert.Equal(["DeleteEndpoint " + endpoint.Id[..8], "ReleaseAddress 172.17.0.2"], h.Log.Calls);
    }

    [Fact]
    public async Task CreateEndpointAsync_200InParallel_DistinctAddressesAnd200DriverCalls()
    {
        var h = await ControllerHarness.CreateAsync();
        var network = await h.NetworkAsync("n1", o => o with { IPv4 = [new IpamConfig("10.50.0.0/22")] });

        var endpoints = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(() => h.EndpointAsync(network, $"e{i}"))));

        Assert.Equal(200, endpoints.Select(e => e.Address!.Value.Address).Distinct().Count());
        Assert.Equal(200, h.Driver.Endpoints.Count);
        Assert.Equal(200, h.Controller.Endpoints.Count);
    }

    [Fact]
    public async Task CreateEndpointAsync_StalledNetwork_DoesNotDelayAnotherNetwork()
    {
        var h = await ControllerHarness.CreateAsync();
        var slow = await h.NetworkAsync("slow");
        var fast = await h.NetworkAsync("fast");
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Driver.OnCreateEndpoint = (request, _) => request.NetworkId == slow.Id ? gate.Task : Task.CompletedTask;

        var stalled = h.EndpointAsync(slow, "stuck");
        var quick = await h.EndpointAsync(fast, "quick").WaitAsync(TimeSpan.FromSeconds(5));
        var other = await h.NetworkAsync("other");
        await h.Controller.DeleteNetworkAsync(other.Id, false, CancellationToken.None);

        Assert.False(stalled.IsCompleted);
        Assert.Equal(ObjectState.Ready, quick.State);
        gate.SetResult();
        await stalled.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task CreateEndpointAsync_IpamRequiresMac_GeneratesOneForTheInterfaceNotTheOptions()
    {
        var h = await ControllerHarness.CreateAsync(new IpamCapabilities(RequiresMacAddress: true));
        await h.NetworkAsync("n1");

        var endpoint = await h.Controller.CreateEndpointAsync("n1", new EndpointCreateOptions { Name = "e" }, CancellationToken.None);

        var mac = endpoint.MacAddress!.GetAddressBytes();
        Assert.Equal([0x02, 0x42], mac[..2]);
        var created = Assert.Single(h.Driver.Endpoints);
        Assert.False(created.Request.Options.ContainsKey("com.docker.network.endpoint.macaddress"));
    }

    [Fact]
    public async Task GetEndpoint_ByNetworkAndName()
    {
        var h = await ControllerHarness.CreateAsync();
        var network = await h.NetworkAsync("n1");
        var endpoint = await h.EndpointAsync(network, "web");

        Assert.Equal(endpoint.Id, h.Controller.GetEndpoint("n1", "web").Id);
        Assert.Equal(ErrorCategory.NotFound, Assert.Throws<CnmException>(() => h.Controller.GetEndpoint("n1", "db")).Category);
        Assert.Equal(IPAddress.Parse("172.17.0.2"), endpoint.Address!.Value.Address);
    }
}
