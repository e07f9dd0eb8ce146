using System.Collections.Concurrent;
using System.Net;
using Cnm.Core.Drivers;
using Cnm.Core.Errors;
using Cnm.Core.Net;
using Cnm.Linux.Firewall;
using Cnm.Linux.Netlink;
using Microsoft.Extensions.Logging;

namespace Cnm.Linux.Drivers.Bridge;

/// <summary>
/// The built-in <c>bridge</c> driver (spec/bridge.md): one Linux bridge per network in the host namespace, with the
/// gateway addresses and the MTU; one veth per endpoint, its host end on the bridge and its peer handed to the sandbox at
/// Join; the network's rules and the published ports through <see cref="IBridgeFirewall"/>. The bridge and every host
/// veth end carry an alias naming their network or endpoint (<see cref="OwnedLinks"/>), so that restore and the deletes a
/// crash left owed find them without any state of the driver's own. Every failure undoes what the call made.
/// </summary>
public sealed partial class BridgeDriver : INetworkDriver, IExternalConnectivityDriver, IDisposable
{
    internal const string Name = BuiltInDrivers.Bridge;
    private readonly HostNetwork _host;
    private readonly IBridgeFirewall? _firewall;
    private readonly string _noFirewallReason;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, BridgeNetworkState> _networks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, BridgeEndpointState> _endpoints = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>
    /// Creates the driver. Without <paramref name="firewall"/> every network create is refused with
    /// <paramref name="noFirewallReason"/>: a bridge network without its rules (isolation, masquerade, published ports)
    /// would look like it works and not do what it says.
    /// </summary>
    public BridgeDriver(HostNetwork host, IBridgeFirewall? firewall, string noFirewallReason, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(logger);
        _host = host;
        _firewall = firewall;
        _noFirewallReason = noFirewallReason;
        _logger = logger;
    }

    /// <summary>The bridge name of a network of this driver, or null when it has none here.</summary>
    public string? BridgeOf(string networkId) => _networks.TryGetValue(networkId, out var n) ? n.Config.BridgeName : null;

    /// <inheritdoc />
    public async Task CreateNetworkAsync(CreateNetworkArgs request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var config = BridgeConfig.Parse(request.NetworkId, DriverArgs.DriverOptions(request), DriverArgs.IsInternal(request));
        var firewall = _firewall ?? throw CnmException.Unavailable($"bridge network {request.NetworkId[..12]}: {_noFirewallReason}");
        var state = new BridgeNetworkState(request.NetworkId, config,
            [.. request.IPv4Data.Concat(request.IPv6Data).Select(d => d.Gateway).OfType<IpPrefix>()],
            [.. request.IPv4Data.Concat(request.IPv6Data).Select(d => d.Pool)]);
        await Core.BlockingWork.LeaveEventThreadAsync(); // netlink in the host namespace blocks
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_networks.ContainsKey(request.NetworkId))
            {
                return; // the same create again (a replay): it is there
            }

            if (_networks.Values.FirstOrDefault(n => n.Config.BridgeName == config.BridgeName) is { } other)
            {
                throw CnmException.Conflict($"bridge network {request.NetworkId[..12]}: bridge {config.BridgeName} is the bridge of network {other.Id[..12]} already");
            }

            var made = MakeBridge(state);
            try
            {
                if (!config.Internal)
                {
                    await _host.EnableIPv4ForwardingAsync(cancellationToken).ConfigureAwait(false);
                }

                await firewall.ApplyNetworkAsync(RulesOf(state), cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await UndoNetworkAsync(state, made, firewall).ConfigureAwait(false);
                throw;
            }

            _networks[request.NetworkId] = state;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async Task DeleteNetworkAsync(string networkId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(networkId);
        await Core.BlockingWork.LeaveEventThreadAsync(); // netlink in the host namespace blocks
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_firewall is not null)
            {
                await _firewall.RemoveNetworkAsync(networkId, cancellationToken).ConfigureAwait(false);
            }

            // By alias, not by name: after a crash the driver may not know the network, and a bridge of that name
            // that is not ours is never deleted.
            foreach (var link in _host.Links.GetLinks().Where(l => OwnedLinks.NetworkOf(Name, l.Alias) == networkId))
            {
                DeleteLinkIfPresent(link.Index);
            }

            _networks.TryRemove(networkId, out _);
        }
        finally
        {
            _gate.Release();
        }
    }

    internal static BridgeNetworkRules RulesOf(BridgeNetworkState state) =>
        new(state.Id, state.Config.BridgeName, state.Subnets, state.Config.Masquerade, state.Config.Icc, state.Config.Internal, state.Config.HostBindingIPv4);

    /// <summary>Creates the bridge with its alias, MTU and gateway addresses, and brings it up; true when it made it (false: it was ours already).</summary>
    private bool MakeBridge(BridgeNetworkState state)
    {
        var name = state.Config.BridgeName;
        var alias = OwnedLinks.NetworkAlias(Name, state.Id);
        if (_host.Links.FindLink(name) is { } existing)
        {
            if (existing.Alias == alias && existing.Kind == "bridge")
            {
                return false;
            }

            var owner = OwnedLinks.NetworkOf(Name, existing.Alias) is { } id ? $"the bridge of another Cnm network ({id[..Math.Min(12, id.Length)]})" : "not made by Cnm";
            throw CnmException.Conflict(
                $"bridge network {state.Id[..12]}: an interface named {name} exists already ({existing.Kind ?? "no kind"}, {owner}); "
                + $"choose another name with -o {BridgeConfig.NameOption}=NAME, or remove that interface");
        }

        _host.Links.CreateBridge(name);
        var bridge = _host.Links.GetLink(name);
        try
        {
            _host.Links.SetAlias(bridge.Index, alias);
            if (state.Config.Mtu > 0)
            {
                _host.Links.SetMtu(bridge.Index, state.Config.Mtu);
            }

            foreach (var gateway in state.Gateways)
            {
                _host.Links.AddAddress(bridge.Index, gateway, noDad: gateway.IsV6);
            }

            _host.Links.SetUp(bridge.Index);
        }
        catch
        {
            DeleteLinkIfPresent(bridge.Index);
            throw;
        }

        return true;
    }

    private async Task UndoNetworkAsync(BridgeNetworkState state, bool made, IBridgeFirewall firewall)
    {
        try
        {
            await firewall.RemoveNetworkAsync(state.Id, CancellationToken.None).ConfigureAwait(false);
        }
        catch (CnmException ex)
        {
            Log.CleanupFailed(_logger, $"remove the rules of network {state.Id[..12]}", ex.Message);
        }

        if (made && _host.Links.FindLink(state.Config.BridgeName) is { } bridge)
        {
            DeleteLinkIfPresent(bridge.Index);
        }
    }

    private void DeleteLinkIfPresent(int index)
    {
        try
        {
            _host.Links.DeleteLink(index);
        }
        catch (NetlinkException ex) when (ex.Errno is Errnos.ENODEV or Errnos.ENOENT)
        {
            // gone already
        }
    }

    /// <inheritdoc />
    /// <remarks>Closes the sockets that hold published host ports; links and rules stay (they belong to the state).</remarks>
    public void Dispose()
    {
        foreach (var endpoint in _endpoints.Values)
        {
            endpoint.Ports?.Dispose();
        }

        _gate.Dispose();
    }

    private static IPAddress? GatewayFor(BridgeNetworkState network) => network.Config.Internal ? null : network.GatewayIPv4;
}
