using Cnm.Core.Cluster;
using Cnm.Core.Control;
using Cnm.Core.Drivers;
using Cnm.Core.Drivers.BuiltIn;
using Cnm.Core.Model;
using Cnm.Core.Sandboxes;
using Cnm.Core.Store;
using Cnm.Core.Tests.Control;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cnm.Core.Tests.Cluster;

/// <summary>One node of an in-process cluster: its own local store, the shared cluster store, a controller and its sync.</summary>
internal sealed class ClusterNodeHarness : IAsyncDisposable
{
    private ClusterNodeHarness(InMemoryKeyValueStore local, ClusterStateStore store, ClusterIpam ipam, Controller controller, ClusterSync sync,
        FakeNetworkDriver global)
    {
        Local = local;
        Store = store;
        Ipam = ipam;
        Controller = controller;
        Sync = sync;
        Global = global;
    }

    public InMemoryKeyValueStore Local { get; }

    public ClusterStateStore Store { get; }

    public ClusterIpam Ipam { get; }

    public Controller Controller { get; }

    public ClusterSync Sync { get; }

    public FakeNetworkDriver Global { get; }

    public static async Task<ClusterNodeHarness> StartAsync(string node, IKeyValueStore cluster, InMemoryKeyValueStore? local = null,
        IDriverModule? extra = null)
    {
        local ??= new InMemoryKeyValueStore();
        var ipam = new ClusterIpam(cluster, node);
        var store = new ClusterStateStore(local, cluster) { Claims = ipam };
        var global = new FakeNetworkDriver(new CallLog());
        var controller = await Controller.CreateAsync(
            new ControllerOptions { Store = store, GlobalScope = true, Sandboxes = new InMemorySandboxProvider("/run/test/" + node) },
            [new BuiltInDriverModule(ipam), new GlobalModule(global, new FakeNetworkDriver(new CallLog())), .. extra is null ? Array.Empty<IDriverModule>() : [extra]]);
        var sync = new ClusterSync(store, controller, NullLogger.Instance, TimeSpan.FromMilliseconds(50));
        sync.Start();
        return new ClusterNodeHarness(local, store, ipam, controller, sync, global);
    }

    public Task<Network> NetworkAsync(string name, string driver = "gfake", string? subnet = null) =>
        Controller.CreateNetworkAsync(new NetworkCreateOptions
        {
            Name = name,
            Driver = driver,
            IPv4 = subnet is null ? [] : [new IpamConfig(subnet)],
        }, CancellationToken.None);

    public static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting until {what}");
            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Sync.DisposeAsync();
        await Controller.DisposeAsync();
        Ipam.Dispose();
    }
}
