using System.Net;
using System.Net.Sockets;
using Cnm.Core.Drivers;
using Cnm.Core.Model;

namespace Cnm.Core.Control;

public sealed partial class Controller
{
    /// <summary>The module that offers the default gateway network, if any (filled by <see cref="CreateAsync"/> only).</summary>
    private IDefaultGatewayProvider? _gatewayProvider;

    /// <summary>One default-gateway change at a time, so that the gateway network is made once (as the reference serialises it).</summary>
    private readonly SemaphoreSlim _gatewaySync = new(1, 1);

    /// <summary>
    /// Start-up: once the drivers have restored their state, each sandbox gets the default gateway endpoint it needs
    /// and loses the one it no longer needs (a crash between a join and its gateway step leaves one of them). Failures
    /// are logged; nothing here calls a plugin.
    /// </summary>
    public async Task RestoreDefaultGatewaysAsync(CancellationToken cancellationToken)
    {
        if (_gatewayProvider is null)
        {
            return;
        }

        List<string> ids;
        lock (_gate)
        {
            ids = [.. _sandboxes.Keys];
        }

        foreach (var id in ids)
        {
            await BestEffortAsync($"default gateway of sandbox {id[..12]} at start-up",
                () => SyncDefaultGatewayAsync(id, cancellationToken)).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// After a committed join (or connect) of <paramref name="joined"/>: the sandbox gets its default gateway endpoint when
    /// it now needs one, or loses it when the new endpoint gives the gateway. A failure undoes the join (leave, or delete
    /// for a connect: the endpoint was made for it) and fails it, as the reference's <c>sbJoin</c> does.
    /// </summary>
    private async Task AfterJoinAsync(Endpoint joined, bool deleteOnFailure, CancellationToken cancellationToken)
    {
        if (_gatewayProvider is null || joined.SandboxId is not { } sandboxId)
        {
            return;
        }

        try
        {
            await SyncDefaultGatewayAsync(sandboxId, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await BestEffortAsync($"undo the join of endpoint {joined.Name} after its default gateway failed", deleteOnFailure
                ? () => DeleteEndpointCoreAsync(joined.Id, force: true, CancellationToken.None)
                : () => LeaveCoreAsync(joined.Id, CancellationToken.None)).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>After a leave from <paramref name="sandboxId"/>: the default gateway endpoint goes when no longer needed (logged on failure).</summary>
    private Task AfterLeaveAsync(string sandboxId) => _gatewayProvider is null
        ? Task.CompletedTask
        : BestEffortAsync($"default gateway of sandbox {sandboxId[..12]} after a leave", () => SyncDefaultGatewayAsync(sandboxId, CancellationToken.None));

    /// <summary>
    /// Makes the sandbox's default gateway endpoint match its need (<see cref="NeedsDefaultGateway"/>): joined through
    /// an ordinary connect (its own intent, its rollback) on the gateway network, made first when missing; or deleted
    /// through an ordinary forced delete. The gateway network itself is kept, like <c>docker_gwbridge</c>.
    /// </summary>
    private async Task SyncDefaultGatewayAsync(string sandboxId, CancellationToken cancellationToken)
    {
        if (_gatewayProvider?.DefaultGatewayNetwork is not { } offer)
        {
            return;
        }

        await _gatewaySync.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Sandbox? sandbox;
            Endpoint? current;
            bool needed;
            lock (_gate)
            {
                if (!_sandboxes.TryGetValue(sandboxId, out sandbox) || sandbox.Options.HostNetwork)
                {
                    return;
                }

                var network = GatewayNetworkUnlocked(offer.Name);
                current = network is null ? null : sandbox.EndpointIds.Select(_endpoints.GetValueOrDefault).FirstOrDefault(e => e?.NetworkId == network.Id);
                needed = NeedsDefaultGateway(sandbox, network?.Id);
            }

            if (needed && current is null)
            {
                var network = await EnsureGatewayNetworkAsync(offer, cancellationToken).ConfigureAwait(false);
                var name = "gateway_" + (sandbox.Options.ContainerId.Length <= 12 ? sandbox.Options.ContainerId : sandbox.Id[..12]);
                await ConnectCoreAsync(network.Id, sandbox.Id, new EndpointCreateOptions { Name = name }, cancellationToken).ConfigureAwait(false);
            }
            else if (!needed && current is not null)
            {
                await DeleteEndpointCoreAsync(current.Id, force: true, CancellationToken.None).ConfigureAwait(false);
            }
        }
        finally
        {
            _gatewaySync.Release();
        }
    }

    /// <summary>The gateway network, created on first need with its driver options and a pool of the default IPAM.</summary>
    private async Task<Network> EnsureGatewayNetworkAsync(DefaultGatewayNetwork offer, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (GatewayNetworkUnlocked(offer.Name) is { } existing)
            {
                return existing;
            }
        }

        return await CreateNetworkAsync(new NetworkCreateOptions { Name = offer.Name, Driver = offer.Driver, DriverOptions = offer.DriverOptions },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The ready network named as the gateway network, if any. Called under the lock.</summary>
    private Network? GatewayNetworkUnlocked(string name) =>
        _networks.Values.FirstOrDefault(n => n.Name == name && n.State == ObjectState.Ready);

    /// <summary>True when <paramref name="endpointId"/> is on the default gateway network. Called under the lock.</summary>
    private bool IsDefaultGatewayEndpoint(string endpointId) =>
        _gatewayProvider?.DefaultGatewayNetwork is { } offer && _endpoints.TryGetValue(endpointId, out var endpoint)
        && _networks.TryGetValue(endpoint.NetworkId, out var network) && network.Name == offer.Name;

    /// <summary>
    /// libnetwork's <c>needDefaultGW</c>: some joined endpoint is on a network that could give a gateway (not null or host,
    /// not internal, not the gateway network) and did not set DisableGatewayService, and none of those gave an IPv4
    /// gateway or a NEXTHOP route to exactly 0.0.0.0/0. IPv6 gateways and on-link default routes do not count
    /// (docs/reference-host.md §3.8). Called under the lock.
    /// </summary>
    private bool NeedsDefaultGateway(Sandbox sandbox, string? gatewayNetworkId)
    {
        var candidates = sandbox.EndpointIds
            .Select(_endpoints.GetValueOrDefault)
            .Where(e => e is { Join: { DisableGatewayService: false } } && e.NetworkId != gatewayNetworkId
                && _networks.TryGetValue(e.NetworkId, out var n) && !n.Options.Internal && n.Driver is not (BuiltInDrivers.Null or BuiltInDrivers.Host))
            .Select(e => e!.Join!)
            .ToList();
        return candidates.Count > 0 && !candidates.Any(j => j.Gateway is not null || j.StaticRoutes.Any(IsDefaultNextHop));
    }

    private static bool IsDefaultNextHop(StaticRouteInfo route) =>
        route.Type == RouteType.NextHop && route.Destination.PrefixLength == 0
        && route.Destination.Address.AddressFamily == AddressFamily.InterNetwork && route.Destination.Address.Equals(IPAddress.Any);
}
