using Cnm.Core.Errors;
using Cnm.Linux.Firewall;

namespace Cnm.Linux.Tests.Drivers;

/// <summary>A hand-written IBridgeFirewall that records every call and can be told to fail one method.</summary>
internal sealed class RecordingFirewall : IBridgeFirewall
{
    private readonly Lock _lock = new();

    public List<string> Calls { get; } = [];

    public HashSet<string> Networks { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, IReadOnlyList<PortMapping>> Ports { get; } = new(StringComparer.Ordinal);

    /// <summary>The method that throws an Internal CnmException, if any.</summary>
    public string? FailOn { get; set; }

    public Task ApplyNetworkAsync(BridgeNetworkRules rules, CancellationToken cancellationToken)
    {
        Record(nameof(ApplyNetworkAsync), rules.NetworkId);
        lock (_lock)
        {
            Networks.Add(rules.NetworkId);
        }

        return Task.CompletedTask;
    }

    public Task RemoveNetworkAsync(string networkId, CancellationToken cancellationToken)
    {
        Record(nameof(RemoveNetworkAsync), networkId);
        lock (_lock)
        {
            Networks.Remove(networkId);
        }

        return Task.CompletedTask;
    }

    public Task ApplyPortsAsync(string networkId, string endpointId, IReadOnlyList<PortMapping> ports, CancellationToken cancellationToken)
    {
        Record(nameof(ApplyPortsAsync), endpointId);
        lock (_lock)
        {
            Ports[endpointId] = ports;
        }

        return Task.CompletedTask;
    }

    public Task RemovePortsAsync(string networkId, string endpointId, CancellationToken cancellationToken)
    {
        Record(nameof(RemovePortsAsync), endpointId);
        lock (_lock)
        {
            Ports.Remove(endpointId);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlySet<string>> ListNetworksAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlySet<string>>(Networks.ToHashSet(StringComparer.Ordinal));
        }
    }

    private void Record(string method, string id)
    {
        lock (_lock)
        {
            Calls.Add($"{method} {id}");
        }

        if (FailOn == method)
        {
            throw CnmException.Internal($"firewall: {method} failed (test)");
        }
    }
}
