using System.Collections.Concurrent;
using Cnm.Linux.Firewall;

namespace Cnm.Daemon.Hosting;

/// <summary>
/// The test firewall of <see cref="LinuxDriverSetup.TestFirewallVariable"/>: it applies nothing, logs each call (so that a
/// test can wait for it in cnmd's output) and remembers which networks "have rules", for restore. Never used unless
/// the variable asks for it.
/// </summary>
internal sealed partial class RecordingBridgeFirewall(ILogger logger) : IBridgeFirewall
{
    private readonly ConcurrentDictionary<string, bool> _networks = new(StringComparer.Ordinal);

    public Task ApplyNetworkAsync(BridgeNetworkRules rules, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rules);
        _networks[rules.NetworkId] = true;
        if (logger.IsEnabled(LogLevel.Information))
        {
            var text = $"ApplyNetwork {rules.NetworkId} {rules.BridgeName} masquerade={rules.Masquerade} icc={rules.InterContainerConnectivity} internal={rules.Internal} hostip={rules.HostBindingIPv4}";
            Call(logger, text);
        }

        return Task.CompletedTask;
    }

    public Task RemoveNetworkAsync(string networkId, CancellationToken cancellationToken)
    {
        _networks.TryRemove(networkId, out _);
        Removed(logger, "RemoveNetwork", networkId, "");
        return Task.CompletedTask;
    }

    public Task ApplyPortsAsync(string networkId, string endpointId, IReadOnlyList<PortMapping> ports, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ports);
        if (logger.IsEnabled(LogLevel.Information))
        {
            var text = $"ApplyPorts {networkId} {endpointId} {string.Join(',', ports.Select(p => $"{p.Protocol}:{p.HostIp}:{p.HostPort}->{p.ContainerIp}:{p.ContainerPort}"))}";
            Call(logger, text);
        }

        return Task.CompletedTask;
    }

    public Task RemovePortsAsync(string networkId, string endpointId, CancellationToken cancellationToken)
    {
        Removed(logger, "RemovePorts", networkId, endpointId);
        return Task.CompletedTask;
    }

    public Task<IReadOnlySet<string>> ListNetworksAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlySet<string>>(_networks.Keys.ToHashSet(StringComparer.Ordinal));

    [LoggerMessage(EventId = EventIds.TestFirewallCall, Level = LogLevel.Information, Message = "test firewall: {Call}")]
    private static partial void Call(ILogger logger, string call);

    [LoggerMessage(EventId = EventIds.TestFirewallCall, Level = LogLevel.Information, Message = "test firewall: {Method} {NetworkId} {EndpointId}")]
    private static partial void Removed(ILogger logger, string method, string networkId, string endpointId);
}
