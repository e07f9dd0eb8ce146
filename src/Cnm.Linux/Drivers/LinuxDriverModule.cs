using Cnm.Core.Drivers;
using Cnm.Core.Model;
using Cnm.Core.Net;
using Cnm.Linux.Drivers.Bridge;
using Cnm.Linux.Drivers.Macvlan;
using Cnm.Linux.Firewall;
using Microsoft.Extensions.Logging;

namespace Cnm.Linux.Drivers;

/// <summary>
/// The built-in Linux network drivers, <c>bridge</c> and <c>macvlan</c> (spec/bridge.md), over one host network
/// namespace, which it owns with <paramref name="firewall"/> (both disposed with it). The bridge driver's rules go through the firewall; without one, bridge networks are
/// refused with <paramref name="noFirewallReason"/> (never made without their rules). It offers the default gateway
/// network <c>cnm_gwbridge</c> (spec/bridge.md, "Default gateway network") when the bridge driver has a firewall.
/// </summary>
public sealed class LinuxDriverModule(HostNetwork host, IBridgeFirewall? firewall, string noFirewallReason, ILoggerFactory loggerFactory)
    : IDriverModule, IDefaultGatewayProvider, IAsyncDisposable
{
    /// <summary>The name of the default gateway network and of its bridge.</summary>
    public const string GatewayBridgeName = "cnm_gwbridge";

    private static readonly DriverCapability LocalOnly = new(DriverScope.Local, DriverScope.Local);

    /// <summary>docker_gwbridge's options: its own bridge name, no traffic between its endpoints, masquerade out.</summary>
    private static readonly DefaultGatewayNetwork GatewayNetwork = new(GatewayBridgeName, BuiltInDrivers.Bridge, new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [BridgeConfig.NameOption] = GatewayBridgeName,
        [BridgeConfig.IccOption] = "false",
        [BridgeConfig.MasqueradeOption] = "true",
    });

    /// <summary>The bridge driver.</summary>
    public BridgeDriver Bridge { get; } = new(host, firewall, noFirewallReason, loggerFactory.CreateLogger("Cnm.Linux.Drivers.Bridge"));

    /// <summary>The macvlan driver.</summary>
    public MacvlanDriver Macvlan { get; } = new(host);

    /// <inheritdoc />
    public string Name => "linux";

    /// <inheritdoc />
    /// <remarks>None without a firewall: bridge networks are refused then, and a join is not failed for a way out it cannot get.</remarks>
    public DefaultGatewayNetwork? DefaultGatewayNetwork => firewall is null ? null : GatewayNetwork;

    /// <inheritdoc />
    public Task InitializeAsync(IDriverRegistrar registrar, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registrar);
        registrar.RegisterNetworkDriver(BuiltInDrivers.Bridge, Bridge, LocalOnly);
        registrar.RegisterNetworkDriver(BuiltInDrivers.Macvlan, Macvlan, LocalOnly);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    /// <remarks>Closes the drivers and the firewall (links and rules stay: they belong to the state), then the host namespace's client.</remarks>
    public async ValueTask DisposeAsync()
    {
        Bridge.Dispose();
        Macvlan.Dispose();
        if (firewall is IAsyncDisposable asyncFirewall)
        {
            await asyncFirewall.DisposeAsync().ConfigureAwait(false);
        }
        else if (firewall is IDisposable syncFirewall)
        {
            syncFirewall.Dispose();
        }

        host.Dispose();
    }

    /// <summary>
    /// Start-up restore from the controller's restored state: each driver takes its networks and endpoints back and
    /// repairs the host namespace to match them (spec/bridge.md, "Restore and crash safety").
    /// </summary>
    /// <param name="networks">The state's networks.</param>
    /// <param name="endpoints">The state's endpoints.</param>
    /// <param name="sandboxes">The state's sandboxes: a gateway endpoint's published ports are held again from their port bindings.</param>
    /// <param name="cancellationToken">Cancels the restore.</param>
    public async Task RestoreAsync(IEnumerable<Network> networks, IEnumerable<Endpoint> endpoints, IEnumerable<Sandbox> sandboxes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(networks);
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(sandboxes);
        var all = networks.ToList();
        var eps = endpoints.ToList();
        var gateways = new Dictionary<string, IReadOnlyList<PortBinding>>(StringComparer.Ordinal);
        foreach (var sandbox in sandboxes.Where(s => s.GatewayEndpointId is not null))
        {
            gateways.TryAdd(sandbox.GatewayEndpointId!, sandbox.Options.PortBindings ?? []);
        }

        foreach (var (driver, restore) in new (string, Func<IReadOnlyList<RestoredNetwork>, IReadOnlyList<RestoredEndpoint>, CancellationToken, Task>)[]
                 {
                     (BuiltInDrivers.Bridge, Bridge.RestoreAsync), (BuiltInDrivers.Macvlan, Macvlan.RestoreAsync),
                 })
        {
            var mine = all.Where(n => n.Driver == driver).ToList();
            var ids = mine.Select(n => n.Id).ToHashSet(StringComparer.Ordinal);
            await restore(
                [.. mine.Select(n => new RestoredNetwork(n.Id, n.Options.DriverOptions, n.Options.Internal,
                    [.. n.IPv4Pools.Concat(n.IPv6Pools).Select(p => p.Gateway).OfType<IpPrefix>()],
                    [.. n.IPv4Pools.Concat(n.IPv6Pools).Select(p => p.Pool)]))],
                [.. eps.Where(e => ids.Contains(e.NetworkId)).Select(e => new RestoredEndpoint(e.Id, e.NetworkId, e.Address, e.AddressIPv6, e.MacAddress, e.SandboxId is not null,
                    e.SandboxId is not null && gateways.TryGetValue(e.Id, out var ports) ? ports : null))],
                cancellationToken).ConfigureAwait(false);
        }
    }
}
