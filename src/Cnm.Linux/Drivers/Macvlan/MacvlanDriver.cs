using System.Collections.Concurrent;
using System.Text.Json;
using Cnm.Core.Drivers;
using Cnm.Core.Errors;
using Cnm.Core.Net;
using Cnm.Linux.Netlink;

namespace Cnm.Linux.Drivers.Macvlan;

/// <summary>
/// The built-in <c>macvlan</c> driver (spec/bridge.md, "macvlan"): each endpoint is a macvlan link on the network's
/// <c>parent</c> in the host namespace, handed to the sandbox at Join. Without <c>parent</c> the network gets a dummy
/// parent of its own (<c>dm-&lt;id12&gt;</c>; a port-less bridge where the kernel has no dummy links) and is internal: no
/// gateway, no way out, as the reference does. That parent carries an alias naming its network (<see cref="OwnedLinks"/>);
/// an endpoint's link is named <c>macv</c> and 11 characters of its id (it moves into the sandbox, whose provider owns its
/// alias there). A parent the user named is never deleted.
/// </summary>
public sealed class MacvlanDriver : INetworkDriver, IDisposable
{
    internal const string Name = BuiltInDrivers.Macvlan;
    private static readonly IReadOnlyDictionary<string, JsonElement> NoInfo = new Dictionary<string, JsonElement>();
    private readonly HostNetwork _host;
    private readonly ConcurrentDictionary<string, MacvlanNetworkState> _networks = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Creates the driver over the host namespace.</summary>
    public MacvlanDriver(HostNetwork host)
    {
        ArgumentNullException.ThrowIfNull(host);
        _host = host;
    }

    /// <inheritdoc />
    public async Task CreateNetworkAsync(CreateNetworkArgs request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var config = MacvlanConfig.Parse(request.NetworkId, DriverArgs.DriverOptions(request), DriverArgs.IsInternal(request));
        var gateways = request.IPv4Data.Concat(request.IPv6Data).Select(d => d.Gateway).OfType<IpPrefix>().ToList();
        await Core.BlockingWork.LeaveEventThreadAsync(); // netlink in the host namespace blocks
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _networks[request.NetworkId] = new MacvlanNetworkState(request.NetworkId, config, EnsureParent(request.NetworkId, config), gateways);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async Task DeleteNetworkAsync(string networkId, CancellationToken cancellationToken)
    {
        await Core.BlockingWork.LeaveEventThreadAsync(); // netlink in the host namespace blocks
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _networks.TryRemove(networkId, out _);
            foreach (var link in _host.Links.GetLinks().Where(l => OwnedLinks.NetworkOf(Name, l.Alias) == networkId))
            {
                DeleteIfPresent(link.Index);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async Task CreateEndpointAsync(CreateEndpointArgs request, IEndpointInterface endpointInterface, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(endpointInterface);
        var network = NetworkOf(request.NetworkId);
        await Core.BlockingWork.LeaveEventThreadAsync(); // netlink in the host namespace blocks
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var parent = _host.Links.FindLink(network.ParentName)
                ?? throw CnmException.NotFound($"macvlan network {network.Id[..12]}: its parent interface {network.ParentName} no longer exists in the host namespace");
            var name = LinkNameOf(request.EndpointId);
            _host.Links.CreateMacvlan(name, parent.Index, network.Config.Mode);
            try
            {
                var link = _host.Links.GetLink(name);
                if (endpointInterface.MacAddress is { } mac)
                {
                    _host.Links.SetMacAddress(link.Index, mac);
                }
                else if (link.MacAddress is { } kernelMac)
                {
                    endpointInterface.SetMacAddress(kernelMac);
                }
            }
            catch
            {
                if (_host.Links.FindLink(name) is { } made)
                {
                    DeleteIfPresent(made.Index);
                }

                throw;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<string, JsonElement>> EndpointOperInfoAsync(string networkId, string endpointId, CancellationToken cancellationToken) =>
        Task.FromResult(NoInfo);

    /// <inheritdoc />
    public async Task DeleteEndpointAsync(string networkId, string endpointId, CancellationToken cancellationToken)
    {
        await Core.BlockingWork.LeaveEventThreadAsync(); // netlink in the host namespace blocks
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // By name: the link itself goes into the sandbox, whose provider sets its alias to the endpoint id there.
            if (_host.Links.FindLink(LinkNameOf(endpointId)) is { Kind: "macvlan" } link)
            {
                DeleteIfPresent(link.Index);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public Task JoinAsync(JoinArgs request, IJoinInfo joinInfo, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(joinInfo);
        var network = NetworkOf(request.NetworkId);
        var name = LinkNameOf(request.EndpointId);
        if (_host.Links.FindLink(name) is null)
        {
            throw CnmException.Internal($"macvlan endpoint {request.EndpointId[..12]}: its interface {name} is not in the host namespace");
        }

        joinInfo.SetInterfaceName(name, network.Config.InterfacePrefix);
        if (!network.Config.Internal)
        {
            foreach (var gateway in network.Gateways)
            {
                if (gateway.IsV6)
                {
                    joinInfo.SetGatewayIPv6(gateway.Address);
                }
                else
                {
                    joinInfo.SetGateway(gateway.Address);
                }
            }
        }
        else
        {
            // Internal (no parent, or --internal): no way out, so no default gateway network either (spec/bridge.md, "macvlan").
            joinInfo.DisableGatewayService();
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task LeaveAsync(string networkId, string endpointId, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Start-up restore: takes the state's networks back (a dummy parent made again when missing) and removes links of ours the state does not know.</summary>
    public async Task RestoreAsync(IReadOnlyList<RestoredNetwork> networks, IReadOnlyList<RestoredEndpoint> endpoints, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(networks);
        ArgumentNullException.ThrowIfNull(endpoints);
        await Core.BlockingWork.LeaveEventThreadAsync(); // netlink in the host namespace blocks
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var restored in networks)
            {
                var config = MacvlanConfig.Parse(restored.Id, restored.DriverOptions, restored.Internal);
                var parent = config.Parent ?? MacvlanConfig.DummyName(restored.Id);
                _networks[restored.Id] = new MacvlanNetworkState(restored.Id, config, parent, restored.Gateways);
                if (config.Parent is null && _host.Links.FindLink(parent) is null)
                {
                    EnsureParent(restored.Id, config);
                }
            }

            // A macvlan of ours in the host namespace is named macv<11 of the endpoint id> and sits on a parent of ours.
            var known = endpoints.Select(e => LinkNameOf(e.Id)).ToHashSet(StringComparer.Ordinal);
            var links = _host.Links.GetLinks();
            var parents = links.Where(l => _networks.Values.Any(n => n.ParentName == l.Name)).Select(l => l.Index).ToHashSet();
            foreach (var link in links)
            {
                if ((OwnedLinks.NetworkOf(Name, link.Alias) is { } n && !_networks.ContainsKey(n))
                    || (link.Kind == "macvlan" && link.Name.Length == 15 && link.Name.StartsWith("macv", StringComparison.Ordinal)
                        && parents.Contains(link.LinkIndex) && !known.Contains(link.Name)))
                {
                    DeleteIfPresent(link.Index);
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _gate.Dispose();

    internal static string LinkNameOf(string endpointId) => "macv" + endpointId[..11];

    private string EnsureParent(string networkId, MacvlanConfig config)
    {
        if (config.Parent is { } parent)
        {
            var link = _host.Links.FindLink(parent)
                ?? throw CnmException.NotFound($"macvlan network {networkId[..12]}: the parent interface {parent} (option {MacvlanConfig.ParentOption}) does not exist in the host namespace");
            _ = link;
            return parent;
        }

        var dummy = MacvlanConfig.DummyName(networkId);
        if (_host.Links.FindLink(dummy) is { } existing)
        {
            if (OwnedLinks.NetworkOf(Name, existing.Alias) == networkId)
            {
                return dummy;
            }

            throw CnmException.Conflict($"macvlan network {networkId[..12]}: an interface named {dummy} exists already and is not Cnm's");
        }

        try
        {
            _host.Links.CreateDummy(dummy);
        }
        catch (NetlinkException ex) when (ex.Errno == Errnos.EOPNOTSUPP)
        {
            // A kernel without the dummy module: a bridge with no ports is as isolated a parent.
            _host.Links.CreateBridge(dummy);
        }

        var made = _host.Links.GetLink(dummy);
        try
        {
            _host.Links.SetAlias(made.Index, OwnedLinks.NetworkAlias(Name, networkId));
            _host.Links.SetUp(made.Index);
        }
        catch
        {
            DeleteIfPresent(made.Index);
            throw;
        }

        return dummy;
    }

    private MacvlanNetworkState NetworkOf(string networkId) =>
        _networks.TryGetValue(networkId, out var network) ? network : throw CnmException.NotFound($"No network ({networkId}) exists");

    private void DeleteIfPresent(int index)
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
}
