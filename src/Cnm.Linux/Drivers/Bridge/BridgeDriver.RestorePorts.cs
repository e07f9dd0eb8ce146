using Cnm.Core.Errors;
using Cnm.Linux.Firewall;

namespace Cnm.Linux.Drivers.Bridge;

public sealed partial class BridgeDriver
{
    /// <summary>
    /// The published ports' side of restore (spec/bridge.md, "Restore and crash safety"), under the gate: a joined gateway endpoint of the
    /// state gets its host ports held again, the same ones its DNAT rules name where they are still there, and its rules
    /// applied again (made again when the kernel lacks them); the DNAT rules of endpoints the state does not know, or
    /// does not have joined as a gateway, are removed. A port that cannot be held again (another program took it) is
    /// logged and its endpoint's rules removed: no DNAT steals a port we do not hold.
    /// </summary>
    private async Task RestorePortsAsync(IReadOnlyList<RestoredEndpoint> endpoints, CancellationToken cancellationToken)
    {
        if (_firewall is not { } firewall)
        {
            return;
        }

        var published = endpoints.Where(e => e.Joined && e.PortBindings is { Count: > 0 }).ToDictionary(e => e.Id, StringComparer.Ordinal);
        foreach (var network in _networks.Values)
        {
            IReadOnlyList<PublishedHostPort> current;
            try
            {
                current = await firewall.ListPortsAsync(network.Id, cancellationToken).ConfigureAwait(false);
            }
            catch (CnmException ex)
            {
                Log.RestoreFailed(_logger, network.Id, ex.Message);
                continue;
            }

            foreach (var stray in current.Select(p => p.EndpointId).Distinct(StringComparer.Ordinal)
                         .Where(id => network.Config.Internal || !published.ContainsKey(id) || !_endpoints.ContainsKey(id)))
            {
                await RemovePortsQuietlyAsync(firewall, network.Id, stray).ConfigureAwait(false);
                Log.StrayPortsRemoved(_logger, stray, network.Id);
            }

            if (network.Config.Internal)
            {
                continue;
            }

            foreach (var restored in published.Values.Where(e => e.NetworkId == network.Id && _endpoints.ContainsKey(e.Id)))
            {
                var mine = current.Where(p => p.EndpointId == restored.Id).ToList();
                await HoldAgainAsync(firewall, network, _endpoints[restored.Id], restored, mine, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task HoldAgainAsync(IBridgeFirewall firewall, BridgeNetworkState network, BridgeEndpointState endpoint, RestoredEndpoint restored,
        List<PublishedHostPort> current, CancellationToken cancellationToken)
    {
        var what = $"bridge endpoint {endpoint.Id[..12]}";
        var free = new List<PublishedHostPort>(current);
        var requests = new List<PortRequest>();
        foreach (var request in restored.PortBindings!.Select(PortRequest.From))
        {
            // The host port this request got before the restart, when its rule is still there: hold the same one again.
            var hostIp = request.HostIp ?? network.Config.HostBindingIPv4;
            hostIp = hostIp is null || hostIp.Equals(System.Net.IPAddress.Any) ? null : hostIp;
            var before = free.FirstOrDefault(p => p.Protocol == request.Protocol && Equals(p.HostIp, hostIp)
                && (request.HostPort == 0 || (p.HostPort >= request.HostPort && p.HostPort <= request.HostPortEnd)));
            if (before is not null)
            {
                free.Remove(before);
                requests.Add(request with { HostPort = before.HostPort, HostPortEnd = before.HostPort });
            }
            else
            {
                requests.Add(request);
            }
        }

        try
        {
            var held = await _host.RunAsync(() => HoldAll(requests, network, endpoint, what), cancellationToken).ConfigureAwait(false);
            try
            {
                await firewall.ApplyPortsAsync(network.Id, endpoint.Id, held.Mappings, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                held.Dispose();
                throw;
            }

            endpoint.Ports = held;
            var missing = held.Mappings.Count(m => !current.Any(p => p.Protocol == m.Protocol && p.HostPort == m.HostPort && Equals(p.HostIp, m.HostIp)));
            Log.PortsHeldAgain(_logger, held.Mappings.Count, endpoint.Id, missing);
        }
        catch (CnmException ex)
        {
            await RemovePortsQuietlyAsync(firewall, network.Id, endpoint.Id).ConfigureAwait(false);
            Log.PortsNotRestored(_logger, endpoint.Id, ex.Message);
        }
    }
}
