using System.Net.NetworkInformation;
using Cnm.Core.Errors;
using Cnm.Linux.Netlink;

namespace Cnm.Linux.Drivers.Bridge;

public sealed partial class BridgeDriver
{
    /// <summary>
    /// Start-up restore (spec/bridge.md, "Restore and crash safety"): takes the networks and endpoints of the state back, makes again the
    /// bridges and the veths of endpoints that are not joined that the kernel lacks, applies every network's rules again
    /// (idempotent), and removes the bridges, veths and rules of ours that the state does not know. Each repair is logged.
    /// A network whose bridge name is now taken by a foreign interface is logged and kept, so that it can be deleted.
    /// </summary>
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
                var config = BridgeConfig.Parse(restored.Id, restored.DriverOptions, restored.Internal);
                var state = new BridgeNetworkState(restored.Id, config, restored.Gateways, restored.Subnets);
                _networks[restored.Id] = state;
                try
                {
                    if (MakeBridge(state))
                    {
                        Log.BridgeRecreated(_logger, config.BridgeName, restored.Id);
                    }

                    if (_firewall is not null)
                    {
                        await _firewall.ApplyNetworkAsync(RulesOf(state), cancellationToken).ConfigureAwait(false);
                    }
                }
                catch (CnmException ex)
                {
                    Log.RestoreFailed(_logger, restored.Id, ex.Message);
                }
            }

            foreach (var restored in endpoints.Where(e => _networks.ContainsKey(e.NetworkId)))
            {
                var endpoint = new BridgeEndpointState(restored.Id, restored.NetworkId, restored.Address, restored.AddressIPv6,
                    restored.MacAddress ?? new PhysicalAddress([0x02, 0, 0, 0, 0, 1]));
                _endpoints[restored.Id] = endpoint;
                if (_host.Links.FindLink(endpoint.HostName) is { } outer)
                {
                    if (restored.Joined || _host.Links.FindLink(endpoint.PeerName) is not null)
                    {
                        EnsureOnBridge(outer, _networks[restored.NetworkId], restored.Id);
                        continue;
                    }

                    // Not joined, but the peer is not back in the host namespace (a crash cut a leave short): a veth
                    // made again is one the next join can hand over; deleting the host end takes the peer wherever it is.
                    DeleteLinkIfPresent(outer.Index);
                }

                if (restored.Joined)
                {
                    Log.VethLost(_logger, endpoint.HostName, restored.Id);
                    continue;
                }

                try
                {
                    MakeVeth(_networks[restored.NetworkId], endpoint);
                    Log.VethRecreated(_logger, endpoint.HostName, restored.Id);
                }
                catch (CnmException ex)
                {
                    Log.RestoreFailed(_logger, restored.NetworkId, ex.Message);
                }
            }

            RemoveStrayLinks();
            await RestorePortsAsync(endpoints, cancellationToken).ConfigureAwait(false);
            if (_firewall is not null)
            {
                foreach (var stray in (await _firewall.ListNetworksAsync(cancellationToken).ConfigureAwait(false)).Where(id => !_networks.ContainsKey(id)))
                {
                    await _firewall.RemoveNetworkAsync(stray, cancellationToken).ConfigureAwait(false);
                    Log.StrayRulesRemoved(_logger, stray);
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>A veth whose bridge was made again (or that lost it) goes back on its network's bridge.</summary>
    private void EnsureOnBridge(NetlinkLink outer, BridgeNetworkState network, string endpointId)
    {
        if (_host.Links.FindLink(network.Config.BridgeName) is not { } bridge || outer.MasterIndex == bridge.Index
            || OwnedLinks.NetworkOf(Name, bridge.Alias) != network.Id)
        {
            return;
        }

        try
        {
            _host.Links.SetMaster(outer.Index, bridge.Index);
            Log.VethReattached(_logger, outer.Name, endpointId, bridge.Name);
        }
        catch (CnmException ex)
        {
            Log.RestoreFailed(_logger, network.Id, $"veth {outer.Name}: could not put it back on bridge {bridge.Name}: {ex.Message}");
        }
    }

    private void RemoveStrayLinks()
    {
        foreach (var link in _host.Links.GetLinks())
        {
            var stray = OwnedLinks.NetworkOf(Name, link.Alias) is { } networkId ? !_networks.ContainsKey(networkId)
                : OwnedLinks.EndpointOf(Name, link.Alias) is { } endpointId && !_endpoints.ContainsKey(endpointId);
            if (stray)
            {
                DeleteLinkIfPresent(link.Index);
                Log.StrayLinkRemoved(_logger, link.Name, link.Alias!);
            }
        }
    }
}
