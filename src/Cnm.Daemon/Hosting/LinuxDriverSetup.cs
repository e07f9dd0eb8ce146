using Cnm.Core.Control;
using Cnm.Core.Drivers;
using Cnm.Core.Errors;
using Cnm.Linux.Drivers;
using Cnm.Linux.Firewall;

namespace Cnm.Daemon.Hosting;

/// <summary>
/// The built-in Linux drivers (<c>bridge</c>, <c>macvlan</c>; spec/bridge.md) in cnmd. They run with Linux sandboxes
/// only (<c>--sandbox linux</c>), in the namespace <c>--host-netns</c> names or cnmd's own; with in-memory sandboxes
/// there are none. Their start-up restore runs once the controller has restored its state, before the API serves.
/// </summary>
internal static partial class LinuxDriverSetup
{
    /// <summary>Test hook: <c>recording</c> gives the bridge driver a firewall that only logs (no rules at all).</summary>
    public const string TestFirewallVariable = "CNM_TEST_BRIDGE_FIREWALL";

    /// <summary>Opens the host namespace and makes the module, or returns null (in-memory sandboxes).</summary>
    public static async Task<LinuxDriverModule?> CreateAsync(DaemonOptions options, ILoggerFactory loggerFactory)
    {
        if (options.InMemorySandboxes)
        {
            return null;
        }

        var host = await HostNetwork.OpenAsync(options.HostNetns, CancellationToken.None).ConfigureAwait(false);
        var (firewall, reason) = CreateFirewall(host, loggerFactory);
        return new LinuxDriverModule(host, firewall, reason, loggerFactory);
    }

    /// <summary>The driver modules to hand the controller.</summary>
    public static IEnumerable<IDriverModule> Modules(LinuxDriverModule? linux) => linux is null ? [] : [linux];

    /// <summary>Runs the drivers' start-up restore over the controller's restored networks and endpoints.</summary>
    public static async Task RestoreAsync(LinuxDriverModule? linux, Controller controller)
    {
        if (linux is not null)
        {
            await linux.RestoreAsync(controller.Networks, controller.Endpoints, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>The Docker API's default driver: <c>bridge</c> when the Linux drivers are present, else <c>null</c>.</summary>
    public static string DefaultDriver(Controller controller) =>
        controller.NetworkDrivers.Contains(BuiltInDrivers.Bridge) ? BuiltInDrivers.Bridge : BuiltInDrivers.Null;

    /// <summary>
    /// The bridge driver's firewall. Without one, every bridge network is refused with the reason returned here: a bridge
    /// network without its isolation, masquerade and published-port rules would look like it works and not do it.
    /// </summary>
    private static (IBridgeFirewall? Firewall, string Reason) CreateFirewall(HostNetwork host, ILoggerFactory loggerFactory)
    {
        if (Environment.GetEnvironmentVariable(TestFirewallVariable) == "recording")
        {
            var logger = loggerFactory.CreateLogger("Cnm.Daemon.TestFirewall");
            TestFirewall(logger);
            return (new RecordingBridgeFirewall(logger), "");
        }

        // ===== FIREWALL WIRING POINT (issue 12) =====
        // Once the nftables firewall is merged, create it here over `host` (it works in host.Path, the --host-netns
        // namespace, or cnmd's own when null) and return it; return (null, <why>) when libnftables is missing, so that
        // bridge networks are refused with that reason.
        _ = host;
        return (null, "bridge networks need cnmd's firewall (nftables), and this cnmd has none; "
            + "no bridge network is made without its isolation, masquerade and published-port rules");
    }

    [LoggerMessage(EventId = EventIds.TestFirewall, Level = LogLevel.Warning,
        Message = TestFirewallVariable + "=recording: bridge networks get NO firewall rules; the calls are only logged (a test mode)")]
    private static partial void TestFirewall(ILogger logger);
}
