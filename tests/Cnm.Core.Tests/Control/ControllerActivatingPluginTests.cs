using Cnm.Core.Control;
using Cnm.Core.Drivers;
using Cnm.Core.Drivers.BuiltIn;
using Cnm.Core.Errors;
using Cnm.Core.Ipam;
using Cnm.Core.Model;
using Cnm.Core.Sandboxes;
using Cnm.Protocol;

namespace Cnm.Core.Tests.Control;

/// <summary>
/// Connect and disconnect on a restored network whose plugin is still being activated (a cnmd restart, with the
/// plugin's socket there): the operation waits for that activation, as the driver lookup of any other operation does,
/// instead of failing with "the plugin is being activated". A plugin that is really missing still refuses them at
/// once, changing nothing.
/// </summary>
public sealed class ControllerActivatingPluginTests
{
    [Fact]
    public async Task Disconnect_WhileThePluginIsBeingActivated_WaitsForItAndLeaves()
    {
        var (store, plugin) = await ConnectedAsync("c1");
        var log = plugin.Log;
        var module = new ActivatingModule(plugin);
        var controller = await RestartAsync(store, module);

        var disconnect = controller.DisconnectAsync("n1", "c1", force: false, CancellationToken.None);
        await module.Resolving.Task.WaitAsync(TimeSpan.FromSeconds(10)); // generous bound: it asked for the driver
        Assert.False(disconnect.IsCompleted);
        Assert.False(controller.GetAvailability(controller.GetNetwork("n1")).IsReady);

        module.Activate();
        await disconnect.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Empty(controller.Endpoints);
        Assert.Contains(log.Names, n => n == "Leave");
        Assert.Contains(log.Names, n => n == "DeleteEndpoint");
    }

    [Fact]
    public async Task Connect_WhileThePluginIsBeingActivated_WaitsForItAndJoins()
    {
        var (store, plugin) = await ConnectedAsync("c1");
        var module = new ActivatingModule(plugin);
        var controller = await RestartAsync(store, module);
        await controller.CreateSandboxAsync(new SandboxCreateOptions { ContainerId = "c2" }, CancellationToken.None);

        var connect = controller.ConnectAsync("n1", "c2", new EndpointCreateOptions { Name = "c2" }, CancellationToken.None);
        await module.Resolving.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(connect.IsCompleted);

        module.Activate();
        var joined = await connect.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.NotNull(joined.SandboxId);
        Assert.Equal(2, controller.Endpoints.Count);
    }

    [Fact]
    public async Task Disconnect_PluginMissing_RefusedAtOnceNamingItAndNothingChanges()
    {
        var (store, plugin) = await ConnectedAsync("c1");
        var log = plugin.Log;
        var module = new ActivatingModule(plugin) { Missing = true };
        var controller = await RestartAsync(store, module);
        log.Clear();

        var error = await Assert.ThrowsAsync<CnmException>(() => controller.DisconnectAsync("n1", "c1", force: false, CancellationToken.None));

        Assert.Equal(ErrorCategory.Unavailable, error.Category);
        Assert.Equal("cannot disconnect container c1: network n1 is waiting for plugin \"fake\" (network driver): its socket is not there; "
            + "waiting for plugin \"rec\" (IPAM driver): its socket is not there; nothing was changed", error.Message);
        Assert.Single(controller.Endpoints);
        Assert.Empty(log.Names);
        Assert.Equal(2, module.Lookups); // it looked for both drivers again before it refused
    }

    [Fact]
    public async Task Disconnect_RegisteredPluginGoneAndBeingActivatedAgain_WaitsForItAndLeaves()
    {
        var (store, plugin) = await ConnectedAsync("c1");
        var module = new ActivatingModule(plugin) { RegisteredButGone = true };
        var controller = await RestartAsync(store, module);
        Assert.False(controller.GetAvailability(controller.GetNetwork("n1")).IsReady); // registered, but gone

        var disconnect = controller.DisconnectAsync("n1", "c1", force: false, CancellationToken.None);
        await module.Resolving.Task.WaitAsync(TimeSpan.FromSeconds(10)); // a registered driver is looked up again
        Assert.False(disconnect.IsCompleted);

        module.Activate();
        await disconnect.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Empty(controller.Endpoints);
        Assert.Contains(plugin.Log.Names, n => n == "Leave");
    }

    [Fact]
    public async Task Disconnect_CanceledWhileWaitingForTheActivation_ThrowsAndNothingChanges()
    {
        var (store, plugin) = await ConnectedAsync("c1");
        var module = new ActivatingModule(plugin);
        var controller = await RestartAsync(store, module);
        plugin.Log.Clear();
        using var cancel = new CancellationTokenSource();

        var disconnect = controller.DisconnectAsync("n1", "c1", force: false, cancel.Token);
        await module.Resolving.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => disconnect);
        Assert.Single(controller.Endpoints);
        Assert.Empty(plugin.Log.Names);
    }

    /// <summary>A network of the fake driver and the recording IPAM with one sandbox connected, in a store.</summary>
    /// <remarks>The IPAM instance outlives the controller, as a plugin's own state outlives a cnmd restart.</remarks>
    private static async Task<(FailingStore Store, Plugin Plugin)> ConnectedAsync(string container)
    {
        var store = new FailingStore();
        var log = new CallLog();
        var plugin = new Plugin(log, new FakeNetworkDriver(log), new RecordingIpam(BuiltInIpams.CreateDefault(), log));
        var first = await Controller.CreateAsync(new ControllerOptions { Store = store, Sandboxes = new InMemorySandboxProvider("/run/test/netns") },
            [new BuiltInDriverModule(), new FakeModule("fake", plugin.Driver, "rec", plugin.Ipam)]);
        var network = await first.CreateNetworkAsync(new NetworkCreateOptions { Name = "n1", Driver = "fake", IpamDriver = "rec" }, CancellationToken.None);
        await first.CreateSandboxAsync(new SandboxCreateOptions { ContainerId = container }, CancellationToken.None);
        await first.ConnectAsync(network.Id, container, new EndpointCreateOptions { Name = container }, CancellationToken.None);
        return (store, plugin);
    }

    private sealed record Plugin(CallLog Log, FakeNetworkDriver Driver, RecordingIpam Ipam);

    private static Task<Controller> RestartAsync(FailingStore store, ActivatingModule module) =>
        Controller.CreateAsync(new ControllerOptions { Store = store, Sandboxes = new InMemorySandboxProvider("/run/test/netns") },
            [new BuiltInDriverModule(), module]);

    /// <summary>
    /// A plugin module whose drivers are registered only once <see cref="Activate"/> is called: a driver lookup waits
    /// for that, as the remote module's lookup waits for an activation in flight. Until then the network is waiting.
    /// </summary>
    private sealed class ActivatingModule(Plugin plugin) : IDriverModule, IDriverResolver, IDriverAvailability
    {
        private readonly TaskCompletionSource _activated = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private IDriverRegistrar? _registrar;
        private volatile bool _registered;
        private int _lookups;

        public TaskCompletionSource Resolving { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Missing { get; init; }

        /// <summary>The drivers are registered from the start, but the plugin is gone until <see cref="Activate"/>.</summary>
        public bool RegisteredButGone { get; init; }

        public int Lookups => Volatile.Read(ref _lookups);

        public string Name => "activating";

        public bool IsBuiltIn => false;

        public Task InitializeAsync(IDriverRegistrar registrar, CancellationToken cancellationToken)
        {
            _registrar = registrar;
            if (RegisteredButGone)
            {
                Register();
                _registered = false; // registered, and gone: the availability says so
            }

            return Task.CompletedTask;
        }

        public void Activate()
        {
            Register();
            _registered = true;
            _activated.TrySetResult();
        }

        private void Register()
        {
            _registrar!.RegisterNetworkDriver("fake", plugin.Driver, new DriverCapability(DriverScope.Local, DriverScope.Local));
            _registrar.RegisterIpamDriver("rec", plugin.Ipam, new IpamCapabilities(),
                new AddressSpaces("LocalDefault", "GlobalDefault"));
        }

        public Task<bool> TryResolveNetworkDriverAsync(string name, CancellationToken cancellationToken) => ResolveAsync(cancellationToken);

        public Task<bool> TryResolveIpamDriverAsync(string name, CancellationToken cancellationToken) => ResolveAsync(cancellationToken);

        public string? GetUnavailableReason(string name, DriverKind kind, bool registered) =>
            _registered ? null : Missing ? "its socket is not there" : RegisteredButGone ? "the plugin is gone" : "the plugin is being activated";

        private async Task<bool> ResolveAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _lookups);
            if (Missing)
            {
                throw new CnmException(ErrorCategory.NotFound, "plugin not found: no socket or spec file of that name exists") { Plugin = "fake" };
            }

            Resolving.TrySetResult();
            await _activated.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
    }
}
