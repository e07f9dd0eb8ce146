using System.Net;
using Cnm.Core.Errors;
using Cnm.Protocol;

namespace Cnm.Linux.Firewall;

/// <summary>Published ports: one DNAT rule per mapping in the network's <c>dnat-ID</c> chain, tagged with the endpoint.</summary>
public sealed partial class NftablesBridgeFirewall
{
    /// <inheritdoc />
    public async Task ApplyPortsAsync(string networkId, string endpointId, IReadOnlyList<PortMapping> ports, CancellationToken cancellationToken)
    {
        Validate.NetworkId(networkId);
        Validate.EndpointId(endpointId);
        ArgumentNullException.ThrowIfNull(ports);
        await LockedAsync(async () =>
        {
            var current = await ReadAsync(cancellationToken).ConfigureAwait(false);
            var chain = PortsPrefix + networkId;
            if (!current.Chains.Contains(chain))
            {
                throw NotFound($"network {networkId} has no firewall rules: apply the network before its ports");
            }

            var jump = current.Rules.FirstOrDefault(r => RuleTag.Get(r.Comment, "net") == networkId);
            var hostBinding = RuleTag.Get(jump?.Comment, "hb") is { } hb ? IPAddress.Parse(hb) : null;
            var batch = new NftBatch(_table);
            DeletePorts(batch, current, networkId, endpointId);
            var taken = TakenPorts(current, endpointId);
            foreach (var port in ports)
            {
                AddPort(batch, chain, endpointId, Resolve(port, hostBinding), taken);
            }

            if (batch.Count > 0)
            {
                await RunAsync(batch, $"the published ports of endpoint {endpointId}", cancellationToken).ConfigureAwait(false);
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task RemovePortsAsync(string networkId, string endpointId, CancellationToken cancellationToken)
    {
        Validate.NetworkId(networkId);
        Validate.EndpointId(endpointId);
        await LockedAsync(async () =>
        {
            var current = await ReadAsync(cancellationToken).ConfigureAwait(false);
            var batch = new NftBatch(_table);
            DeletePorts(batch, current, networkId, endpointId);
            if (batch.Count > 0)
            {
                await RunAsync(batch, $"the removal of the published ports of endpoint {endpointId}", cancellationToken).ConfigureAwait(false);
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlySet<string>> ListEndpointsAsync(string networkId, CancellationToken cancellationToken)
    {
        Validate.NetworkId(networkId);
        IReadOnlySet<string> ids = new HashSet<string>();
        await LockedAsync(async () =>
        {
            var current = await ReadAsync(cancellationToken).ConfigureAwait(false);
            ids = current.Rules.Where(r => r.Chain == PortsPrefix + networkId).Select(r => RuleTag.Get(r.Comment, "ep")).OfType<string>().ToHashSet(StringComparer.Ordinal);
        }, cancellationToken).ConfigureAwait(false);
        return ids;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<PublishedHostPort>> ListPortsAsync(string networkId, CancellationToken cancellationToken)
    {
        Validate.NetworkId(networkId);
        IReadOnlyList<PublishedHostPort> ports = [];
        await LockedAsync(async () =>
        {
            var current = await ReadAsync(cancellationToken).ConfigureAwait(false);
            ports = [.. current.Rules.Where(r => r.Chain == PortsPrefix + networkId)
                .Select(r => (Endpoint: RuleTag.Get(r.Comment, "ep"), Map: RuleTag.Get(r.Comment, "map")))
                .Where(t => t.Endpoint is not null && t.Map is not null)
                .Select(t => ParseMap(t.Endpoint!, t.Map!))];
        }, cancellationToken).ConfigureAwait(false);
        return ports;
    }

    private static PublishedHostPort ParseMap(string endpointId, string map)
    {
        var parts = map.Split('/', 3);
        return new PublishedHostPort(endpointId, parts[0], int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture),
            parts[2] == "*" ? null : IPAddress.Parse(parts[2]));
    }

    private static void DeletePorts(NftBatch batch, NftRuleset current, string networkId, string endpointId)
    {
        foreach (var rule in current.Rules.Where(r => r.Chain == PortsPrefix + networkId && RuleTag.Get(r.Comment, "ep") == endpointId))
        {
            batch.DeleteRule(rule.Chain, rule.Handle);
        }
    }

    /// <summary>The published ports of every other endpoint, as (protocol, port, host address or null for all).</summary>
    private static List<(string Protocol, int Port, IPAddress? Host, string Endpoint)> TakenPorts(NftRuleset current, string endpointId)
    {
        var taken = new List<(string, int, IPAddress?, string)>();
        foreach (var rule in current.Rules.Where(r => r.Chain.StartsWith(PortsPrefix, StringComparison.Ordinal)))
        {
            if (RuleTag.Get(rule.Comment, "ep") is { } owner && owner != endpointId && RuleTag.Get(rule.Comment, "map") is { } map)
            {
                var port = ParseMap(owner, map);
                taken.Add((port.Protocol, port.HostPort, port.HostIp, owner));
            }
        }

        return taken;
    }

    private static void AddPort(NftBatch batch, string chain, string endpointId, PortMapping port, List<(string Protocol, int Port, IPAddress? Host, string Endpoint)> taken)
    {
        foreach (var other in taken)
        {
            if (other.Protocol == port.Protocol && other.Port == port.HostPort && (other.Host is null || port.HostIp is null || other.Host.Equals(port.HostIp)))
            {
                throw new CnmException(ErrorCategory.Conflict,
                    $"host port {port.Protocol}/{port.HostPort} on {port.HostIp?.ToString() ?? "every address"} is already published by endpoint {other.Endpoint}");
            }
        }

        taken.Add((port.Protocol, port.HostPort, port.HostIp, endpointId));
        var destination = port.HostIp is null
            ? NftExpr.NfProto(port.ContainerIp.AddressFamily)
            : NftExpr.Address(port.HostIp, "daddr");
        batch.AddRule(chain, RuleTag.Port(endpointId, port.Protocol, port.HostPort, port.HostIp),
            destination, NftExpr.DestinationPort(port.Protocol, port.HostPort), NftExpr.Dnat(port.ContainerIp, port.ContainerPort));
    }

    /// <summary>Checks a mapping and fills in the network's default host address; null host address means every address.</summary>
    private static PortMapping Resolve(PortMapping port, IPAddress? hostBinding)
    {
        ArgumentNullException.ThrowIfNull(port);
        var protocol = port.Protocol?.ToLowerInvariant();
        if (protocol is not ("tcp" or "udp" or "sctp"))
        {
            throw CnmException.InvalidParameter($"published port {port.HostPort}: protocol '{port.Protocol}' is not tcp, udp or sctp");
        }

        if (port.HostPort is < 1 or > 65535 || port.ContainerPort is < 1 or > 65535)
        {
            throw CnmException.InvalidParameter($"published port {port.HostPort}->{port.ContainerPort}/{protocol}: ports must be 1 to 65535");
        }

        ArgumentNullException.ThrowIfNull(port.ContainerIp);
        var host = port.HostIp ?? hostBinding;
        if (host is not null && (host.Equals(IPAddress.Any) || host.Equals(IPAddress.IPv6Any)))
        {
            host = null;
        }

        if (host is not null && host.AddressFamily != port.ContainerIp.AddressFamily)
        {
            throw CnmException.InvalidParameter($"published port {protocol}/{port.HostPort}: host address {host} and endpoint address {port.ContainerIp} are of different families");
        }

        return port with { Protocol = protocol, HostIp = host };
    }
}
