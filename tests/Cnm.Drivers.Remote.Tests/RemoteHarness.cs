using System.Text;
using Cnm.Core.Control;
using Cnm.Core.Drivers.BuiltIn;
using Cnm.Core.Ipam;
using Cnm.Core.Model;
using Cnm.Core.Sandboxes;
using Cnm.Core.Store;
using Cnm.Plugins.Client;
using Cnm.Plugins.Registry;
using Cnm.Testing;
using Microsoft.Extensions.Logging;

namespace Cnm.Drivers.Remote.Tests;

/// <summary>
/// A controller with the built-in module and the remote module over a registry of private plugin
/// directories, and a <see cref="RecordingPlugin"/> at <c>&lt;sockets&gt;/rec.sock</c>.
/// <see cref="Snapshot"/> renders everything the controller and the default IPAM hold, so a test can
/// prove that a failed operation left nothing behind; the plugin's own view is <see cref="RecordingPlugin.Snapshot"/>.
/// </summary>
internal sealed class RemoteHarness : IAsyncDisposable
{
    public const string PluginName = "rec";

    private readonly bool _ownsPlugin;

    private RemoteHarness(PluginLayout layout, PluginRegistry registry, RemoteDriverModule module, BuiltInDriverModule builtIn,
        InMemorySandboxProvider sandboxes, Controller controller, RecordingPlugin plugin, IKeyValueStore store, bool ownsPlugin)
    {
        Store = store;
        _ownsPlugin = ownsPlugin;
        Layout = layout;
        Registry = registry;
        Module = module;
        BuiltIn = builtIn;
        SandboxProvider = sandboxes;
        Controller = controller;
        Plugin = plugin;
    }

    public PluginLayout Layout { get; }

    public PluginRegistry Registry { get; }

    public RemoteDriverModule Module { get; }

    public BuiltInDriverModule BuiltIn { get; }

    public InMemorySandboxProvider SandboxProvider { get; }

    public Controller Controller { get; }

    public RecordingPlugin Plugin { get; }

    /// <summary>The controller's store; a restart (<see cref="RestartAsync"/>) reads it again.</summary>
    public IKeyValueStore Store { get; }

    public static async Task<RemoteHarness> CreateAsync(Action<RecordingPlugin>? configure = null, PluginClientOptions? clientOptions = null,
        Func<string, Task>? afterStep = null, Action<ControllerOptions>? configureController = null, ILoggerFactory? loggerFactory = null)
    {
        var layout = new PluginLayout();
        var plugin = await RecordingPlugin.StartAsync(layout.SocketPath(PluginName), configure);
        return await StartAsync(layout, plugin, new InMemoryKeyValueStore(), clientOptions, afterStep, ownsPlugin: true, configureController, loggerFactory);
    }

    /// <summary>
    /// A new "process" over the same plugin directories, plugin and store: a new registry, remote module,
    /// built-in drivers (so a fresh default IPAM) and controller, which restores from the store. This
    /// instance is left as it is (a crashed process does not clean up); only the first one owns the plugin.
    /// </summary>
    public Task<RemoteHarness> RestartAsync(Func<string, Task>? afterStep = null, PluginClientOptions? clientOptions = null) =>
        StartAsync(Layout, Plugin, Store, clientOptions, afterStep, ownsPlugin: false);

    private static async Task<RemoteHarness> StartAsync(PluginLayout layout, RecordingPlugin plugin, IKeyValueStore store,
        PluginClientOptions? clientOptions, Func<string, Task>? afterStep, bool ownsPlugin, Action<ControllerOptions>? configureController = null,
        ILoggerFactory? loggerFactory = null)
    {
        var registry = new PluginRegistry(layout.Discovery(), clientOptions, loggerFactory: loggerFactory);
        var module = new RemoteDriverModule(registry, loggerFactory);
        var builtIn = new BuiltInDriverModule();
        var sandboxes = new InMemorySandboxProvider("/run/test/netns");
        var options = new ControllerOptions { Sandboxes = sandboxes, Store = store, AfterStep = afterStep };
        configureController?.Invoke(options);
        var controller = await Controller.CreateAsync(options, [builtIn, module], loggerFactory);
        return new RemoteHarness(layout, registry, module, builtIn, sandboxes, controller, plugin, store, ownsPlugin);
    }

    /// <summary>Waits until the controller has delivered every pending driver call (generous bound: 10 s).</summary>
    public async Task WaitForNoPendingCallsAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Controller.PendingCalls.Count > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"pending calls not delivered within 10 s: {string.Join("; ", Controller.PendingCalls)}");
            await Task.Delay(20);
        }
    }

    /// <summary>A network of the plugin (<c>-d rec</c>) with the built-in default IPAM unless configured otherwise.</summary>
    public Task<Network> NetworkAsync(string name, Func<NetworkCreateOptions, NetworkCreateOptions>? configure = null)
    {
        var options = new NetworkCreateOptions { Name = name, Driver = PluginName };
        return Controller.CreateNetworkAsync(configure is null ? options : configure(options), CancellationToken.None);
    }

    /// <summary>A network of the plugin that is also its IPAM (<c>-d rec --ipam-driver rec</c>).</summary>
    public Task<Network> PluginIpamNetworkAsync(string name, Func<NetworkCreateOptions, NetworkCreateOptions>? configure = null) =>
        NetworkAsync(name, o => (configure ?? (x => x))(o with { IpamDriver = PluginName }));

    public Task<Endpoint> EndpointAsync(Network network, string name, string? ip = null, string? mac = null, string? ipv6 = null,
        IReadOnlyDictionary<string, string>? driverOptions = null) =>
        Controller.CreateEndpointAsync(network.Id, new EndpointCreateOptions
        {
            Name = name,
            IPv4Address = ip,
            IPv6Address = ipv6,
            MacAddress = mac,
            DriverOptions = driverOptions ?? new Dictionary<string, string>(),
        }, CancellationToken.None);

    public Task<Sandbox> SandboxAsync(string container, IReadOnlyDictionary<string, string>? labels = null) =>
        Controller.CreateSandboxAsync(new SandboxCreateOptions
        {
            ContainerId = container,
            Labels = labels ?? new Dictionary<string, string>(),
        }, CancellationToken.None);

    /// <summary>Everything the controller and the built-in default IPAM hold, as text.</summary>
    public string Snapshot()
    {
        var text = new StringBuilder();
        foreach (var n in Controller.Networks)
        {
            text.AppendLine($"network {n.Name} {n.Id} {n.State} {n.Driver}/{n.IpamDriver} " +
                $"v4[{string.Join(",", n.IPv4Pools.Select(Describe))}] v6[{string.Join(",", n.IPv6Pools.Select(Describe))}]");
        }

        foreach (var e in Controller.Endpoints)
        {
            text.AppendLine($"endpoint {e.Name} {e.Id} {e.State} {e.Address} {e.AddressIPv6} {e.MacAddress} sandbox={e.SandboxId}");
        }

        foreach (var s in Controller.Sandboxes)
        {
            text.AppendLine($"sandbox {s.Name} {s.State} [{string.Join(",", s.EndpointIds)}] gw={s.GatewayEndpointId} " +
                $"ifaces=[{string.Join(",", SandboxProvider.InterfacesOf(s.Key).Order(StringComparer.Ordinal))}]");
        }

        foreach (var p in ((IIpamUsage)BuiltIn.DefaultIpam).Snapshot().OrderBy(p => p.PoolId, StringComparer.Ordinal))
        {
            text.AppendLine($"default-ipam pool {p.PoolId} used={p.Used} refs={p.References}");
        }

        return text.ToString();
    }

    /// <summary>The controller's state and the plugin's own view, together.</summary>
    public string FullSnapshot() => Snapshot() + "--- plugin ---\n" + Plugin.Snapshot();

    /// <summary>
    /// Every network and endpoint the plugin holds, the controller holds, and the reverse; and for networks
    /// whose IPAM is the plugin, the plugin holds exactly the gateways, aux addresses and endpoint addresses.
    /// </summary>
    public void AssertPluginAgrees()
    {
        var networks = Controller.Networks.Where(n => n.Driver == PluginName).ToList();
        Assert.Equal(networks.Select(n => n.Id).Order(StringComparer.Ordinal), Plugin.Networks);
        var networkIds = networks.Select(n => n.Id).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(Controller.Endpoints.Where(e => networkIds.Contains(e.NetworkId)).Select(e => e.Id).Order(StringComparer.Ordinal),
            Plugin.Endpoints);
        Assert.Equal(Controller.Endpoints.Where(e => networkIds.Contains(e.NetworkId) && e.SandboxId is not null)
            .Select(e => e.Id).Order(StringComparer.Ordinal), Plugin.JoinedEndpoints);

        var ipamNetworks = Controller.Networks.Where(n => n.IpamDriver == PluginName).ToList();
        var pools = ipamNetworks.SelectMany(n => n.IPv4Pools.Concat(n.IPv6Pools)).ToList();
        Assert.Equal(pools.Select(p => p.PoolId).Order(StringComparer.Ordinal), Plugin.Pools.Keys.Order(StringComparer.Ordinal));
        var ipamNetworkIds = ipamNetworks.Select(n => n.Id).ToHashSet(StringComparer.Ordinal);
        var addresses = pools.SelectMany(p => p.AuxAddresses.Values.Select(a => a.ToString()).Concat(p.Gateway is { } g && !p.GatewayFromIpam ? [g.Address.ToString()] : []))
            .Concat(Controller.Endpoints.Where(e => ipamNetworkIds.Contains(e.NetworkId))
                .SelectMany(e => new[] { e.Address?.Address.ToString(), e.AddressIPv6?.Address.ToString() }).OfType<string>());
        Assert.Equal(addresses.Order(StringComparer.Ordinal), Plugin.Addresses);
    }

    private static string Describe(NetworkPool p) =>
        $"{p.PoolId} {p.Pool} gw={p.Gateway} aux={string.Join("+", p.AuxAddresses.Select(a => $"{a.Key}={a.Value}"))}";

    public async ValueTask DisposeAsync()
    {
        await Controller.DisposeAsync();
        if (_ownsPlugin)
        {
            await Plugin.DisposeAsync();
        }

        Module.Dispose();
        await Registry.DisposeAsync();
        if (_ownsPlugin)
        {
            Layout.Dispose();
        }
    }
}
