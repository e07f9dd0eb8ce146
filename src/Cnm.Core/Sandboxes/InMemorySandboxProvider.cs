using System.Collections.Concurrent;
using Cnm.Core.Model;

namespace Cnm.Core.Sandboxes;

/// <summary>Sandboxes as a model only: keys under a base path, interfaces tracked in memory.</summary>
public sealed class InMemorySandboxProvider : ISandboxProvider
{
    private readonly string _basePath;
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> _sandboxes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _gateways = new(StringComparer.Ordinal);

    /// <summary>Creates the provider; keys are <c>{basePath}/{first 12 chars of the id}</c>.</summary>
    public InMemorySandboxProvider(string basePath = "/run/cnm/netns") => _basePath = basePath;

    /// <summary>Interfaces (endpoint ids) currently in a sandbox, by key.</summary>
    public IReadOnlyCollection<string> InterfacesOf(string key) =>
        _sandboxes.TryGetValue(key, out var set) ? [.. set.Keys] : [];

    /// <summary>
    /// The endpoint whose gateway would be the sandbox's default route, as the controller said through the
    /// overloads with a gateway choice; null when none.
    /// </summary>
    public string? GatewayOf(string key) => _gateways.GetValueOrDefault(key);

    /// <summary>Keys of all sandboxes that exist.</summary>
    public IReadOnlyCollection<string> Keys => [.. _sandboxes.Keys];

    /// <inheritdoc />
    public Task<string> CreateAsync(string sandboxId, SandboxCreateOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sandboxId);
        var key = $"{_basePath}/{sandboxId[..12]}";
        _sandboxes[key] = new(StringComparer.Ordinal);
        return Task.FromResult(key);
    }

    /// <inheritdoc />
    public Task AddInterfaceAsync(string key, Endpoint endpoint, JoinResult join, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        _sandboxes[key].TryAdd(endpoint.Id, 0);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task AddInterfaceAsync(string key, Endpoint endpoint, JoinResult join, bool gateway, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        _sandboxes[key].TryAdd(endpoint.Id, 0);
        if (gateway)
        {
            _gateways[key] = endpoint.Id;
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task RemoveInterfaceAsync(string key, Endpoint endpoint, Endpoint? nextGateway, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (_gateways.TryGetValue(key, out var gateway) && gateway == endpoint.Id)
        {
            if (nextGateway is null)
            {
                _gateways.TryRemove(key, out _);
            }
            else
            {
                _gateways[key] = nextGateway.Id;
            }
        }

        return RemoveInterfaceAsync(key, endpoint, cancellationToken);
    }

    /// <inheritdoc />
    public Task RemoveInterfaceAsync(string key, Endpoint endpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (_sandboxes.TryGetValue(key, out var set))
        {
            set.TryRemove(endpoint.Id, out _);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task RestoreAsync(Sandbox sandbox, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sandbox);
        var set = _sandboxes.GetOrAdd(sandbox.Key, _ => new(StringComparer.Ordinal));
        if (sandbox.GatewayEndpointId is { } gateway)
        {
            _gateways[sandbox.Key] = gateway;
        }

        foreach (var endpointId in sandbox.EndpointIds)
        {
            set.TryAdd(endpointId, 0);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        _sandboxes.TryRemove(key, out _);
        _gateways.TryRemove(key, out _);
        return Task.CompletedTask;
    }
}
