using Cnm.Core.Model;
using Cnm.Protocol;

namespace Cnm.Drivers.Remote.Tests.Concurrency;

/// <summary>
/// Many operations at once through one plugin, and a plugin that stalls one network: no lock is held
/// while a plugin call is in flight, so other networks keep working (docs/decisions.md, "slow or hung plugin").
/// </summary>
public sealed class ConcurrencyTests
{
    private const int Parallel = 200;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task CreateEndpoint_200InParallel_GivesDistinctAddressesAndExactly200Calls(bool pluginIpam)
    {
        await using var h = await RemoteHarness.CreateAsync();
        var network = pluginIpam ? await h.PluginIpamNetworkAsync("n1") : await h.NetworkAsync("n1");
        h.Plugin.ClearCalls();

        var endpoints = await Task.WhenAll(Enumerable.Range(0, Parallel).Select(i => Task.Run(() => h.EndpointAsync(network, $"e{i}"))));

        Assert.Equal(Parallel, endpoints.Select(e => e.Address!.Value.Address.ToString()).Distinct(StringComparer.Ordinal).Count());
        Assert.DoesNotContain(endpoints, e => e.Address!.Value.Address.Equals(network.IPv4Pools[0].Gateway!.Value.Address));
        var calls = h.Plugin.CallsTo(PluginMethods.Network.CreateEndpoint);
        Assert.Equal(Parallel, calls.Count);
        Assert.Equal(endpoints.Select(e => e.Id).Order(StringComparer.Ordinal), calls.Select(c => c.Text("EndpointID")).Order(StringComparer.Ordinal));
        Assert.Equal(pluginIpam ? Parallel : 0, h.Plugin.CallsTo(PluginMethods.Ipam.RequestAddress).Count);
        Assert.Equal(Parallel, h.Controller.Endpoints.Count);
        h.AssertPluginAgrees();

        await Task.WhenAll(endpoints.Select(e => Task.Run(() => h.Controller.DeleteEndpointAsync(e.Id, force: false, CancellationToken.None))));

        Assert.Empty(h.Controller.Endpoints);
        Assert.Empty(h.Plugin.Endpoints);
        h.AssertPluginAgrees();
    }

    [Fact]
    public async Task CreateEndpoint_PluginStallsNetworkA_NetworkBOperationsComplete()
    {
        await using var h = await RemoteHarness.CreateAsync();
        var a = await h.PluginIpamNetworkAsync("a");
        var b = await h.PluginIpamNetworkAsync("b");
        var stall = h.Plugin.Stall(PluginMethods.Network.CreateEndpoint, a.Id, TimeSpan.FromSeconds(5));

        var stalled = h.EndpointAsync(a, "ea");
        await stall.Entered.WaitAsync(TimeSpan.FromSeconds(15));

        // While A's CreateEndpoint is held by the plugin, B and new networks are not delayed.
        var eb = await h.EndpointAsync(b, "eb");
        var sandbox = await h.SandboxAsync("c1");
        await h.Controller.JoinAsync(eb.Id, sandbox.Id, CancellationToken.None);
        await h.Controller.LeaveAsync(eb.Id, CancellationToken.None);
        await h.Controller.DeleteEndpointAsync(eb.Id, force: false, CancellationToken.None);
        var c = await h.PluginIpamNetworkAsync("c");
        await h.Controller.DeleteNetworkAsync(c.Id, force: false, CancellationToken.None);
        Assert.Equal(["a", "b"], h.Controller.Networks.Select(n => n.Name));
        Assert.Empty(h.Controller.Endpoints); // "ea" is still being created

        Assert.False(stalled.IsCompleted, "A's endpoint create finished although the plugin still held it");
        Assert.False(stall.TimedOut, "B's operations took as long as A's stall");
        stall.Release();
        var ea = await stalled.WaitAsync(TimeSpan.FromSeconds(15));

        Assert.Equal(a.Id, ea.NetworkId);
        Assert.Equal(1, stall.Held);
        h.AssertPluginAgrees();
    }

    [Fact]
    public async Task CreateNetwork_20InParallelWithPluginIpam_GetDistinctPools()
    {
        await using var h = await RemoteHarness.CreateAsync();
        await h.Registry.GetAsync(RemoteHarness.PluginName, CancellationToken.None);

        var networks = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() => h.PluginIpamNetworkAsync($"n{i}"))));

        Assert.Equal(20, networks.Select(n => n.IPv4Pools[0].Pool.ToString()).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(20, h.Plugin.Networks.Count);
        Assert.Single(h.Plugin.CallsTo(PluginMethods.Activate));
        h.AssertPluginAgrees();
    }

    [Fact]
    public async Task CreateNetwork_SameNameInParallel_ExactlyOneWinsAndThePluginHoldsOne()
    {
        await using var h = await RemoteHarness.CreateAsync();
        await h.Registry.GetAsync(RemoteHarness.PluginName, CancellationToken.None);

        var attempts = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(async () =>
        {
            try
            {
                return await h.PluginIpamNetworkAsync("same");
            }
            catch (Cnm.Core.Errors.CnmException ex) when (ex.Category == ErrorCategory.Conflict)
            {
                return null;
            }
        })));

        Assert.Single(attempts, n => n is not null);
        Assert.Single(h.Plugin.Networks);
        h.AssertPluginAgrees();
    }
}
