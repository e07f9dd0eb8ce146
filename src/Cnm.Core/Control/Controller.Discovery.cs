using System.Text.Json;
using Cnm.Core.Drivers;
using Cnm.Protocol;
using Cnm.Protocol.Network;

namespace Cnm.Core.Control;

public sealed partial class Controller
{
    private readonly Dictionary<string, NodeDiscoveryData> _knownNodes = new(StringComparer.Ordinal);
    private int _discoveryHooked;

    /// <summary>
    /// Node discovery (spec/cluster-membership.md, "Driver notifications"): sends DiscoverNew (when
    /// <paramref name="joined"/>) or DiscoverDelete, type 1, with <paramref name="node"/> as the data, to every registered
    /// network driver whose connectivity scope is global, as the reference does (docs/reference-host.md §3.11). A
    /// driver's failure is logged at Debug and the others still hear of it. The node is remembered under
    /// <paramref name="nodeName"/>: a global driver registered later gets DiscoverNew for every node still known.
    /// </summary>
    public async Task NotifyNodeDiscoveryAsync(string nodeName, NodeDiscoveryData node, bool joined, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeName);
        ArgumentNullException.ThrowIfNull(node);

        // Hooked at the first notification: before it no node is known, so a driver registered earlier misses nothing.
        if (Interlocked.Exchange(ref _discoveryHooked, 1) == 0)
        {
            _drivers.Registered += OnDriverRegisteredForDiscovery;
        }

        lock (_knownNodes)
        {
            if (joined)
            {
                _knownNodes[nodeName] = node;
            }
            else
            {
                _knownNodes.Remove(nodeName);
            }
        }

        foreach (var entry in _drivers.NetworkDrivers)
        {
            await SendDiscoveryAsync(entry, node, joined, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A network driver was registered: a global one hears of every node known so far.</summary>
    private void OnDriverRegisteredForDiscovery(string name, bool networkDriver)
    {
        NodeDiscoveryData[] nodes;
        lock (_knownNodes)
        {
            nodes = [.. _knownNodes.Values];
        }

        if (!networkDriver || nodes.Length == 0 || _drivers.FindNetworkDriver(name) is not { } entry)
        {
            return;
        }

        var stopping = _pending.Stopping;
        _ = Task.Run(async () =>
        {
            foreach (var node in nodes)
            {
                await SendDiscoveryAsync(entry, node, joined: true, stopping).ConfigureAwait(false);
            }
        }, CancellationToken.None);
    }

    private async Task SendDiscoveryAsync(NetworkDriverEntry entry, NodeDiscoveryData node, bool joined, CancellationToken cancellationToken)
    {
        if (entry.Capability.ConnectivityScope != DriverScope.Global || entry.Driver is not IDiscoveryDriver driver)
        {
            return;
        }

        var data = JsonSerializer.SerializeToElement(node, PluginJsonContext.Default.NodeDiscoveryData);
        try
        {
            if (joined)
            {
                await driver.DiscoverNewAsync(DiscoveryTypes.NodeDiscovery, data, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await driver.DiscoverDeleteAsync(DiscoveryTypes.NodeDiscovery, data, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Cluster.MembershipLog.DiscoveryFailed(_logger, joined ? "DiscoverNew" : "DiscoverDelete", entry.Name, node.Address, ex);
        }
    }
}
