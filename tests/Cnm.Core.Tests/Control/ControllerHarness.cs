using System.Text;
using Cnm.Core.Control;
using Cnm.Core.Drivers.BuiltIn;
using Cnm.Core.Ipam;
using Cnm.Core.Model;
using Cnm.Core.Sandboxes;
using Cnm.Core.Store;

namespace Cnm.Core.Tests.Control;

/// <summary>
/// A controller with the built-in module, a recording fake network driver ("fake") and the real default
/// IPAM behind a recording decorator ("rec"). <see cref="Snapshot"/> renders every piece of state, IPAM
/// usage included, so a test can prove a failed operation left nothing behind.
/// </summary>
internal sealed class ControllerHarness
{
    private ControllerHarness(Controller controller, CallLog log, FakeNetworkDriver driver, IIpamUsage ipam, InMemorySandboxProvider sandboxes)
    {
        Controller = controller;
        Log = log;
        Driver = driver;
        Ipam = ipam;
        SandboxProvider = sandboxes;
    }

    public Controller Controller { get; }

    public CallLog Log { get; }

    public FakeNetworkDriver Driver { get; }

    public IIpamUsage Ipam { get; }

    public InMemorySandboxProvider SandboxProvider { get; }

    public static async Task<ControllerHarness> CreateAsync(IpamCapabilities? ipamCapabilities = null, IKeyValueStore? store = null,
        Microsoft.Extensions.Logging.ILoggerFactory? loggerFactory = null, bool storeOutlivesProcess = true)
    {
        var log = new CallLog();
        var driver = new FakeNetworkDriver(log);
        var ipam = BuiltInIpams.CreateDefault();
        var sandboxes = new InMemorySandboxProvider("/run/test/netns");
        var controller = await Controller.CreateAsync(new ControllerOptions { Sandboxes = sandboxes, Store = store, StoreOutlivesProcess = storeOutlivesProcess },
            [new BuiltInDriverModule(), new FakeModule("fake", driver, "rec", new RecordingIpam(ipam, log), capabilities: ipamCapabilities)], loggerFactory);
        return new ControllerHarness(controller, log, driver, (IIpamUsage)ipam, sandboxes);
    }

    public Task<Network> NetworkAsync(string name, Func<NetworkCreateOptions, NetworkCreateOptions>? configure = null)
    {
        var options = new NetworkCreateOptions { Name = name, Driver = "fake", IpamDriver = "rec" };
        return Controller.CreateNetworkAsync(configure is null ? options : configure(options), CancellationToken.None);
    }

    public Task<Endpoint> EndpointAsync(Network network, string name, string? ip = null) =>
        Controller.CreateEndpointAsync(network.Id, new EndpointCreateOptions { Name = name, IPv4Address = ip }, CancellationToken.None);

    public Task<Sandbox> SandboxAsync(string container) =>
        Controller.CreateSandboxAsync(new SandboxCreateOptions { ContainerId = container }, CancellationToken.None);

    /// <summary>Everything the controller and the IPAM hold, as text.</summary>
    public string Snapshot()
    {
        var text = new StringBuilder();
        foreach (var n in Controller.Networks)
        {
            text.AppendLine($"network {n.Name} {n.State} v4[{string.Join(",", n.IPv4Pools.Select(p => $"{p.Pool} gw={p.Gateway}"))}] v6[{string.Join(",", n.IPv6Pools.Select(p => p.Pool))}]");
        }

        foreach (var e in Controller.Endpoints)
        {
            text.AppendLine($"endpoint {e.Name} {e.State} {e.Address} {e.AddressIPv6} sandbox={e.SandboxId?[..8]}");
        }

        foreach (var s in Controller.Sandboxes)
        {
            text.AppendLine($"sandbox {s.Name} {s.State} [{string.Join(",", s.EndpointIds.Select(id => id[..8]))}] gw={s.GatewayEndpointId?[..8]} ifaces={SandboxProvider.InterfacesOf(s.Key).Count}");
        }

        foreach (var p in Ipam.Snapshot().OrderBy(p => p.PoolId, StringComparer.Ordinal))
        {
            text.AppendLine($"pool {p.PoolId} used={p.Used}");
        }

        return text.ToString();
    }
}
