using Cnm.Core.Control;
using Cnm.Core.Drivers;
using Cnm.Core.Drivers.BuiltIn;
using Cnm.Core.Model;

namespace Cnm.Benchmarks;

/// <summary>
/// The same lifecycle through a second controller whose network driver is given directly, registered by a
/// non-built-in module (so the controller treats it as it treats a plugin: gateway endpoint, Program and
/// Revoke are called too). With <see cref="CountingDriver"/> it is the controller's own cost with no plugin
/// and no I/O; with <see cref="TimedDriver"/> over the remote driver it splits a lifecycle into time inside
/// the driver and the controller's own time around it.
/// </summary>
internal sealed class SideController
{

    private SideController(Controller controller, Network network, Sandbox sandbox)
    {
        Controller = controller;
        Network = network;
        Sandbox = sandbox;
    }

    public Controller Controller { get; }

    public Network Network { get; }

    public Sandbox Sandbox { get; }

    public static async Task<SideController> StartAsync(INetworkDriver driver)
    {
        var controller = await Controller.CreateAsync(new ControllerOptions(), [new BuiltInDriverModule(), new Module(driver)])
            .ConfigureAwait(false);
        var network = await controller.CreateNetworkAsync(new NetworkCreateOptions { Name = "bench", Driver = Module.DriverName },
            CancellationToken.None).ConfigureAwait(false);
        var sandbox = await controller.CreateSandboxAsync(new SandboxCreateOptions { ContainerId = new string('c', 64) },
            CancellationToken.None).ConfigureAwait(false);
        return new SideController(controller, network, sandbox);
    }

    /// <summary>As <see cref="LifecycleHarness.RunLifecycleAsync"/>.</summary>
    public Task RunAsync(long[]? opTicks = null) =>
        LifecycleHarness.RunLifecycleAsync(Controller, Network.Id, Sandbox.Id, opTicks);

    private sealed class Module(INetworkDriver driver) : IDriverModule
    {
        public const string DriverName = "sidenet";

        public string Name => "side";

        public bool IsBuiltIn => false;

        public Task InitializeAsync(IDriverRegistrar registrar, CancellationToken cancellationToken)
        {
            registrar.RegisterNetworkDriver(DriverName, driver, new DriverCapability(DriverScope.Local, DriverScope.Local));
            return Task.CompletedTask;
        }
    }
}
