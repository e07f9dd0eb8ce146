using System.Collections.Concurrent;
using Cnm.Core.Errors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tmds.DBus.Protocol;

namespace Cnm.Linux.Firewall.Firewalld;

/// <summary>
/// Wraps the nftables firewall for a machine that may run firewalld. Every bridge goes into our zone (<c>cnm</c>,
/// target ACCEPT, created permanently when missing, with a policy <c>cnm-forwarding</c> from any zone into it), so
/// firewalld's own chains let its traffic through. firewalld's reload wipes its runtime state, and its start-up
/// replaces the ruleset of the namespace: on the <c>Reloaded</c> signal, and when its bus name gets an owner, every
/// network (our table included) is applied again. Nothing here calls firewalld while it is not on the bus.
/// </summary>
public sealed partial class FirewalldBridgeFirewall : IBridgeFirewall, IAsyncDisposable
{
    /// <summary>Our zone.</summary>
    public const string Zone = "cnm";

    /// <summary>Our policy: from any zone into <see cref="Zone"/>, target ACCEPT (published ports from outside).</summary>
    public const string Policy = "cnm-forwarding";

    private readonly IBridgeFirewall _inner;
    private readonly FirewalldClient _client;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ConcurrentDictionary<string, BridgeNetworkRules> _networks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Network, string Endpoint), IReadOnlyList<PortMapping>> _ports = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<IDisposable> _watches = [];
    private volatile bool _running;
    private int _reapplies;

    private FirewalldBridgeFirewall(IBridgeFirewall inner, FirewalldClient client, ILogger logger)
    {
        _inner = inner;
        _client = client;
        _logger = logger;
    }

    /// <summary>How many times the rules were applied again after firewalld reloaded or (re)started.</summary>
    public int Reapplies => Volatile.Read(ref _reapplies);

    /// <summary>
    /// Connects to the bus at <paramref name="busAddress"/>, watches firewalld's name and Reloaded signal, and wraps
    /// <paramref name="inner"/> (disposed with this). Unavailable when the bus cannot be reached; on any failure the
    /// caller still owns <paramref name="inner"/>.
    /// </summary>
    public static async Task<FirewalldBridgeFirewall> StartAsync(IBridgeFirewall inner, string busAddress, ILogger? logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inner);
        var client = await FirewalldClient.ConnectAsync(busAddress, cancellationToken).ConfigureAwait(false);
        var firewall = new FirewalldBridgeFirewall(inner, client, logger ?? NullLogger.Instance);
        try
        {
            await firewall.WatchAsync().ConfigureAwait(false);
            firewall._running = await client.IsRunningAsync().ConfigureAwait(false);
            if (firewall._running)
            {
                await firewall.LockedAsync(firewall.EnsureZoneAsync, cancellationToken).ConfigureAwait(false);
            }

            LogStarted(firewall._logger, busAddress, firewall._running);
            return firewall;
        }
        catch
        {
            await firewall.DisposeOwnAsync().ConfigureAwait(false); // the caller keeps inner
            throw;
        }
    }

    /// <inheritdoc />
    public Task ApplyNetworkAsync(BridgeNetworkRules rules, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rules);
        return LockedAsync(async () =>
        {
            var known = _networks.TryGetValue(rules.NetworkId, out var before);
            await _inner.ApplyNetworkAsync(rules, cancellationToken).ConfigureAwait(false);
            if (_running)
            {
                try
                {
                    await BindAsync(rules.BridgeName).ConfigureAwait(false);
                }
                catch (CnmException) when (!known)
                {
                    await _inner.RemoveNetworkAsync(rules.NetworkId, CancellationToken.None).ConfigureAwait(false); // nothing half-made
                    throw;
                }

                if (known && before!.BridgeName != rules.BridgeName)
                {
                    await UnbindAsync(before.BridgeName).ConfigureAwait(false);
                }
            }

            _networks[rules.NetworkId] = rules;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task RemoveNetworkAsync(string networkId, CancellationToken cancellationToken) => LockedAsync(async () =>
    {
        await _inner.RemoveNetworkAsync(networkId, cancellationToken).ConfigureAwait(false);
        foreach (var key in _ports.Keys.Where(k => k.Network == networkId))
        {
            _ports.TryRemove(key, out _);
        }

        if (_networks.TryRemove(networkId, out var rules) && _running)
        {
            await UnbindAsync(rules.BridgeName).ConfigureAwait(false);
        }
    }, cancellationToken);

    /// <inheritdoc />
    public Task ApplyPortsAsync(string networkId, string endpointId, IReadOnlyList<PortMapping> ports, CancellationToken cancellationToken) => LockedAsync(async () =>
    {
        await _inner.ApplyPortsAsync(networkId, endpointId, ports, cancellationToken).ConfigureAwait(false);
        _ports[(networkId, endpointId)] = [.. ports];
    }, cancellationToken);

    /// <inheritdoc />
    public Task RemovePortsAsync(string networkId, string endpointId, CancellationToken cancellationToken) => LockedAsync(async () =>
    {
        await _inner.RemovePortsAsync(networkId, endpointId, cancellationToken).ConfigureAwait(false);
        _ports.TryRemove((networkId, endpointId), out _);
    }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlySet<string>> ListNetworksAsync(CancellationToken cancellationToken) => _inner.ListNetworksAsync(cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlySet<string>> ListEndpointsAsync(string networkId, CancellationToken cancellationToken) => _inner.ListEndpointsAsync(networkId, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<PublishedHostPort>> ListPortsAsync(string networkId, CancellationToken cancellationToken) => _inner.ListPortsAsync(networkId, cancellationToken);

    /// <summary>Stops watching and closes the bus connection. The rules and zone bindings stay.</summary>
    public async ValueTask DisposeAsync()
    {
        await DisposeOwnAsync().ConfigureAwait(false);
        switch (_inner)
        {
            case IAsyncDisposable d:
                await d.DisposeAsync().ConfigureAwait(false);
                break;
            case IDisposable d:
                d.Dispose();
                break;
        }
    }

    private async Task DisposeOwnAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _watches.ForEach(w => w.Dispose());
        _client.Dispose();
        await _gate.WaitAsync().ConfigureAwait(false); // a re-apply in flight finishes first
        _gate.Release();
    }

    private async Task LockedAsync(Func<Task> body, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await body().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }
}
