using Cnm.Core.Model;

namespace Cnm.Drivers.Remote.Tests.Recovery;

/// <summary>
/// Issue 5, "kill -9 at every step": each multi-step operation is stopped dead after each of its steps and the
/// controller restarted over the same store and the same (still running) plugin. Creates and joins are undone,
/// deletes and leaves finished; nothing leaks in the controller, the default IPAM or the plugin, and the plugin
/// holds exactly what the controller holds (<see cref="CrashSweep"/>). The plugin is network driver and IPAM.
/// </summary>
public sealed class KillAtEveryStepTests
{
    private const string Mac = "02:42:0a:0a:00:09";

    private static NetworkCreateOptions WithGatewayAndAux(NetworkCreateOptions o) => o with
    {
        IPv4 = [new IpamConfig("10.10.0.0/16", "10.10.1.0/24", "10.10.1.254", new Dictionary<string, string> { ["router"] = "10.10.0.5" })],
    };

    private static Task<Network> PluginNetworkAsync(RemoteHarness h) => h.PluginIpamNetworkAsync("n1", WithGatewayAndAux);

    private static async Task WarmUpAsync(RemoteHarness h) => await h.PluginIpamNetworkAsync("warm-up");

    [Fact]
    public async Task NetworkCreate_PluginIpam_UndoneAfterEveryStep()
    {
        var steps = await CrashSweep.RunAsync(WarmUpAsync, PluginNetworkAsync, undone: true);

        // The intent is first written right after RequestPool (with its ReleasePool), then after each address.
        Assert.Equal(["network-create:RequestPool", "network-create:RequestAddress", "network-create:RequestAddress",
            "network-create:CreateNetwork", "network-create:commit"], steps);
    }

    [Fact]
    public async Task NetworkCreate_DefaultIpam_UndoneAfterEveryStep()
    {
        var steps = await CrashSweep.RunAsync(WarmUpAsync, h => h.NetworkAsync("n1", WithGatewayAndAux), undone: true);

        // The default IPAM is rebuilt from the records at start-up, so its allocations are not written into the
        // intent; killed after any of them, they are simply not held after the restart (the sweep compares its usage).
        Assert.Equal(["network-create:RequestPool", "network-create:RequestAddress", "network-create:RequestAddress",
            "network-create:intent", "network-create:CreateNetwork", "network-create:commit"], steps);
    }

    [Fact]
    public async Task EndpointCreate_UndoneAfterEveryStep()
    {
        var steps = await CrashSweep.RunAsync(async h => await PluginNetworkAsync(h),
            h => h.EndpointAsync(h.Controller.GetNetwork("n1"), "e1", mac: Mac), undone: true);

        Assert.Equal(["endpoint-create:RequestAddress", "endpoint-create:CreateEndpoint", "endpoint-create:commit"], steps);
    }

    [Fact]
    public async Task Join_UndoneAfterEveryStep()
    {
        var steps = await CrashSweep.RunAsync(async h =>
        {
            await h.EndpointAsync(await PluginNetworkAsync(h), "e1", mac: Mac);
            await h.SandboxAsync("c1");
        }, h => h.Controller.JoinAsync("e1", "c1", CancellationToken.None), undone: true);

        Assert.Equal(["join:intent", "join:Join", "join:AddInterface", "join:ProgramExternalConnectivity", "join:commit"], steps);
    }

    [Fact]
    public async Task Leave_FinishedAfterEveryStep()
    {
        var steps = await CrashSweep.RunAsync(async h =>
        {
            await h.EndpointAsync(await PluginNetworkAsync(h), "e1", mac: Mac);
            await h.SandboxAsync("c1");
            await h.Controller.JoinAsync("e1", "c1", CancellationToken.None);
        }, h => h.Controller.LeaveAsync("e1", CancellationToken.None), undone: false);

        Assert.Equal(["leave:commit", "leave:RevokeExternalConnectivity", "leave:Leave", "leave:RemoveInterface", "leave:end"], steps);
    }

    [Fact]
    public async Task EndpointDelete_FinishedAfterEveryStep()
    {
        var steps = await CrashSweep.RunAsync(async h => await h.EndpointAsync(await PluginNetworkAsync(h), "e1", mac: Mac),
            h => h.Controller.DeleteEndpointAsync("e1", force: false, CancellationToken.None), undone: false);

        Assert.Equal(["endpoint-delete:intent", "endpoint-delete:DeleteEndpoint", "endpoint-delete:ReleaseAddress", "endpoint-delete:commit"], steps);
    }

    [Fact]
    public async Task NetworkDelete_FinishedAfterEveryStep()
    {
        var steps = await CrashSweep.RunAsync(async h => await PluginNetworkAsync(h),
            h => h.Controller.DeleteNetworkAsync("n1", force: false, CancellationToken.None), undone: false);

        Assert.Equal(["network-delete:intent", "network-delete:DeleteNetwork", "network-delete:ReleaseAddress", "network-delete:ReleaseAddress",
            "network-delete:ReleasePool", "network-delete:commit"], steps);
    }
}
