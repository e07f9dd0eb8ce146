using Cnm.Core.Control;
using Cnm.Core.Drivers;
using Cnm.Core.Errors;
using Cnm.Linux.Drivers;
using Cnm.Linux.Firewall;
using Cnm.Protocol;

namespace Cnm.Daemon.Hosting;

/// <summary>
/// The built-in Linux drivers (<c>bridge</c>, <c>macvlan</c>; spec/bridge.md) in cnmd. They run with Linux sandboxes
/// only (<c>--sandbox linux</c>), in the namespace <c>--host-netns</c> names or cnmd's own; with in-memory sandboxes
/// there are none. Their start-up restore runs once the controller has restored its state, before the API serves.
/// </summary>
internal static partial class LinuxDriverSetup
{
    /// <summary>
    /// Test hook: <c>recording</c> gives the bridge driver a firewall that only logs (no rules at all); <c>none</c> gives
    /// it none, so that bridge networks are refused.
    /// </summary>
    public const string TestFirewallVariable = "CNM_TEST_BRIDGE_FIREWALL";

    /// <summary>
    /// The libnftables to load (a soname or a path) instead of Debian's <c>libnftables.so.1</c>: for a system whose library
    /// has another name, and for the tests of a missing library (spec/bridge.md, "Restore and crash safety").
    /// </summary>
    public const string LibraryVariable = "CNM_NFTABLES_LIBRARY";

    private const string NoFirewall = "bridge networks need cnmd's firewall (nftables), and this cnmd has none; "
        + "no bridge network is made without its isolation, masquerade and published-port rules";

    /// <summary>Opens the host namespace and makes the module, or returns null (in-memory sandboxes).</summary>
    public static async Task<LinuxDriverModule?> CreateAsync(DaemonOptions options, ILoggerFactory loggerFactory)
    {
        if (options.InMemorySandboxes)
        {
            return null;
        }

        var host = await HostNetwork.OpenAsync(options.HostNetns, CancellationToken.None).ConfigureAwait(false);
        var (firewall, reason) = await CreateFirewallAsync(host, loggerFactory).ConfigureAwait(false);
        return new LinuxDriverModule(host, firewall, reason, loggerFactory);
    }

    /// <summary>What disposes the module (and its firewall and host namespace client) at the end; a no-op without one.</summary>
    public static IAsyncDisposable Lifetime(LinuxDriverModule? linux) => linux ?? (IAsyncDisposable)NoModule.Instance;

    /// <summary>The driver modules to hand the controller.</summary>
    public static IEnumerable<IDriverModule> Modules(LinuxDriverModule? linux) => linux is null ? [] : [linux];

    /// <summary>
    /// Runs the drivers' start-up restore over the controller's restored networks and endpoints, then lets the controller
    /// make each sandbox's default gateway endpoint match its need (spec/bridge.md, "Default gateway network").
    /// </summary>
    public static async Task RestoreAsync(LinuxDriverModule? linux, Controller controller)
    {
        if (linux is not null)
        {
            await linux.RestoreAsync(controller.Networks, controller.Endpoints, controller.Sandboxes, CancellationToken.None).ConfigureAwait(false);
            await controller.RestoreDefaultGatewaysAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>The Docker API's default driver: <c>bridge</c> when the Linux drivers are present, else <c>null</c>.</summary>
    public static string DefaultDriver(Controller controller) =>
        controller.NetworkDrivers.Contains(BuiltInDrivers.Bridge) ? BuiltInDrivers.Bridge : BuiltInDrivers.Null;

    /// <summary>
    /// The bridge driver's firewall. Without one, every bridge network is refused with the reason returned here: a bridge
    /// network without its isolation, masquerade and published-port rules would look like it works and not do it.
    /// </summary>
    private static async Task<(IBridgeFirewall? Firewall, string Reason)> CreateFirewallAsync(HostNetwork host, ILoggerFactory loggerFactory)
    {
        switch (Environment.GetEnvironmentVariable(TestFirewallVariable))
        {
            case "recording":
                var logger = loggerFactory.CreateLogger("Cnm.Daemon.TestFirewall");
                TestFirewall(logger);
                return (new RecordingBridgeFirewall(logger), "");
            case "none":
                return (null, NoFirewall + $" ({TestFirewallVariable}=none)");
        }

        // The nftables firewall in the host namespace (host.Path: --host-netns, or null for cnmd's own), wrapped by the
        // firewalld one when a system bus is there. Without libnftables, bridge networks are refused with its reason.
        // The module disposes the firewall after the controller.
        try
        {
            var options = Environment.GetEnvironmentVariable(LibraryVariable) is { Length: > 0 } library ? new NftablesFirewallOptions { LibraryName = library } : null;
            return (await BridgeFirewallFactory.CreateAsync(host.Path, null, loggerFactory, CancellationToken.None, options).ConfigureAwait(false), "");
        }
        catch (CnmException ex) when (ex.Category == ErrorCategory.Unavailable)
        {
            return (null, NoFirewall + ": " + ex.Message);
        }
    }

    [LoggerMessage(EventId = EventIds.TestFirewall, Level = LogLevel.Warning,
        Message = TestFirewallVariable + "=recording: bridge networks get NO firewall rules; the calls are only logged (a test mode)")]
    private static partial void TestFirewall(ILogger logger);

    private sealed class NoModule : IAsyncDisposable
    {
        public static readonly NoModule Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
