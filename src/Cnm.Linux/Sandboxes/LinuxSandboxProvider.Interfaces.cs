using System.Net;
using System.Net.Sockets;
using Cnm.Core.Drivers;
using Cnm.Core.Errors;
using Cnm.Core.Model;
using Cnm.Linux.Namespaces;
using Cnm.Linux.Netlink;

namespace Cnm.Linux.Sandboxes;

public sealed partial class LinuxSandboxProvider
{
    /// <inheritdoc />
    /// <remarks>Without the gateway flag the endpoint becomes the gateway when the sandbox has none and it has an IPv4 gateway.</remarks>
    public Task AddInterfaceAsync(string key, Endpoint endpoint, JoinResult join, CancellationToken cancellationToken) =>
        AddCoreAsync(key, endpoint, join, null, cancellationToken);

    /// <inheritdoc />
    public Task AddInterfaceAsync(string key, Endpoint endpoint, JoinResult join, bool gateway, CancellationToken cancellationToken) =>
        AddCoreAsync(key, endpoint, join, gateway, cancellationToken);

    /// <inheritdoc />
    /// <remarks>Without the next gateway, the first remaining endpoint joined in this process with an IPv4 gateway takes over.</remarks>
    public Task RemoveInterfaceAsync(string key, Endpoint endpoint, CancellationToken cancellationToken) =>
        RemoveCoreAsync(key, endpoint, null, decideNext: true, cancellationToken);

    /// <inheritdoc />
    public Task RemoveInterfaceAsync(string key, Endpoint endpoint, Endpoint? nextGateway, CancellationToken cancellationToken) =>
        RemoveCoreAsync(key, endpoint, nextGateway, decideNext: false, cancellationToken);

    private async Task AddCoreAsync(string key, Endpoint endpoint, JoinResult join, bool? gatewayFlag, CancellationToken cancellationToken)
    {
        await Core.BlockingWork.LeaveEventThreadAsync(); // netlink and files block

        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(join);
        var state = State(key);
        if (string.IsNullOrEmpty(join.SrcName))
        {
            return; // the driver moves nothing (spec/plugin-protocol.md, InterfaceName)
        }

        var what = $"endpoint {endpoint.Name}";
        if (state.Options.HostNetwork)
        {
            throw CnmException.InvalidParameter(
                $"{what}: sandbox {Path.GetFileName(key)} shares the host network namespace (host network) and takes no interface, "
                + $"but the driver's Join named {join.SrcName}");
        }

        LinkNames.Validate(join.SrcName, $"{what}: SrcName");
        if (string.IsNullOrEmpty(join.DstPrefix))
        {
            throw CnmException.InvalidParameter($"{what}: the driver's Join named interface {join.SrcName} but no DstPrefix");
        }

        LinkNames.Validate(join.DstPrefix + "0", $"{what}: DstPrefix \"{join.DstPrefix}\" plus an index");
        await state.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var gateway = gatewayFlag ?? (state.GatewayEndpointId is null && join.Gateway is not null && !join.DisableGatewayService);
            var host = await HostAsync(cancellationToken).ConfigureAwait(false);
            var sb = await ClientAsync(key, cancellationToken).ConfigureAwait(false);
            var link = host.FindLink(join.SrcName)
                ?? throw CnmException.NotFound($"{what}: interface {join.SrcName} named by the driver's Join does not exist in the host namespace");
            host.SetAlias(link.Index, InterfaceAlias.Format(endpoint.Id, join.SrcName)); // before the move: see InterfaceAlias
            Step("join:alias");
            var name = NextName(sb, join.DstPrefix);
            try
            {
                // Moved and renamed in one request: the kernel closes the link for the move, so no separate down.
                using var target = NetworkNamespace.Open(key);
                host.MoveToNamespace(link.Index, target, name);
            }
            catch (CnmException)
            {
                ClearAlias(host, link.Index);
                throw;
            }

            Step("join:move");
            try
            {
                Configure(sb, state, endpoint, join, name, gateway);
            }
            catch (CnmException ex)
            {
                var note = "it was moved back to the host namespace";
                try
                {
                    PutBack(host, sb, endpoint.Id, join.SrcName);
                }
                catch (CnmException back)
                {
                    note = $"moving it back failed too: {back.Message}";
                }

                throw new CnmException(ex.Category, $"{what}: could not set up interface {join.SrcName} in sandbox {Path.GetFileName(key)} ({note}): {ex.Message}", ex);
            }

            state.Joined.Add((endpoint.Id, join));
            if (gateway)
            {
                state.GatewayEndpointId = endpoint.Id;
            }

            if (endpoint.Address is { } v4)
            {
                ResolverFiles.AddSelf(FilesDirectory(state.Id), state.Options, v4.Address);
            }
        }
        finally
        {
            state.Gate.Release();
        }
    }

    private async Task RemoveCoreAsync(string key, Endpoint endpoint, Endpoint? nextGateway, bool decideNext, CancellationToken cancellationToken)
    {
        await Core.BlockingWork.LeaveEventThreadAsync(); // netlink and files block

        ArgumentNullException.ThrowIfNull(endpoint);
        var state = State(key);
        await state.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            state.Joined.RemoveAll(j => j.EndpointId == endpoint.Id);
            var wasGateway = state.GatewayEndpointId == endpoint.Id;
            if (wasGateway)
            {
                state.GatewayEndpointId = null;
                if (decideNext && state.Joined.FirstOrDefault(j => j.Join is { Gateway: not null, DisableGatewayService: false }) is { Join: { } candidate } next)
                {
                    nextGateway = endpoint with { Id = next.EndpointId, Join = candidate };
                }
            }

            if (endpoint.Address is { } v4)
            {
                ResolverFiles.RemoveSelf(FilesDirectory(state.Id), v4.Address);
            }

            if (endpoint.Join is not { SrcName.Length: > 0 } join || !File.Exists(key) || state.Options.HostNetwork)
            {
                return;
            }

            var host = await HostAsync(cancellationToken).ConfigureAwait(false);
            var sb = await ClientAsync(key, cancellationToken).ConfigureAwait(false);
            PutBack(host, sb, endpoint.Id, join.SrcName);
            if (wasGateway && nextGateway?.Join is { } nextJoin && FindByEndpoint(sb, nextGateway.Id) is { } nextLink)
            {
                AddDefaultRoutes(sb, nextLink.Index, nextJoin);
                state.GatewayEndpointId = nextGateway.Id;
            }
        }
        finally
        {
            state.Gate.Release();
        }
    }

    private void Configure(NetlinkClient sb, SandboxState state, Endpoint endpoint, JoinResult join, string name, bool gateway)
    {
        var index = sb.GetLink(name).Index;
        if (endpoint.MacAddress is { } mac)
        {
            sb.SetMacAddress(index, mac);
            Step("join:mac");
        }

        if (endpoint.Address is { } v4)
        {
            sb.AddAddress(index, v4);
        }

        if (endpoint.AddressIPv6 is { } v6)
        {
            sb.AddAddress(index, v6, noDad: true);
        }

        Step("join:address");
        sb.SetUp(index);
        Step("join:up");
        foreach (var route in join.StaticRoutes)
        {
            sb.AddRoute(route.Type == RouteType.Connected
                ? NetlinkRoute.Connected(route.Destination, index)
                : new NetlinkRoute(route.Destination) { Gateway = route.NextHop ?? throw CnmException.InvalidParameter($"static route {route.Destination} has no next hop") });
        }

        Step("join:routes");
        if (gateway && state.GatewayEndpointId is not null && FindByEndpoint(sb, state.GatewayEndpointId) is { } old)
        {
            RemoveDefaultRoutes(sb, old.Index);
        }

        if (gateway)
        {
            AddDefaultRoutes(sb, index, join);
            Step("join:gateway");
        }
    }

    /// <summary>
    /// Back to the host namespace under its old name (one request; the move sets it down), alias cleared there (last:
    /// until then the alias says whose it is and what its name was, see <see cref="InterfaceAlias"/>).
    /// </summary>
    private void PutBack(NetlinkClient host, NetlinkClient sb, string endpointId, string srcName)
    {
        if ((FindByEndpoint(sb, endpointId) ?? sb.FindLink(srcName)) is not { } link)
        {
            return;
        }

        using (var hostNs = NetworkNamespace.Open(_hostPath))
        {
            sb.MoveToNamespace(link.Index, hostNs, srcName); // closed (down) by the move, renamed with it
        }

        Step("leave:move");
        if (host.FindLink(srcName) is { } back && InterfaceAlias.IsOf(back.Alias, endpointId))
        {
            ClearAlias(host, back.Index);
        }
    }

    private static void ClearAlias(NetlinkClient client, int index)
    {
        try
        {
            client.SetAlias(index, "");
        }
        catch (CnmException)
        {
            // best effort: start-up clears a stale alias in the host namespace (RemoveUnknownAsync)
        }
    }

    private static void AddDefaultRoutes(NetlinkClient sb, int index, JoinResult join)
    {
        foreach (var gw in new[] { join.Gateway, join.GatewayIPv6 }.OfType<IPAddress>())
        {
            sb.AddRoute(NetlinkRoute.DefaultVia(gw, index));
        }
    }

    private static void RemoveDefaultRoutes(NetlinkClient sb, int index)
    {
        foreach (var family in new[] { AddressFamily.InterNetwork, AddressFamily.InterNetworkV6 })
        {
            foreach (var route in sb.GetRoutes(family).Where(r => r.IsDefault && r.OutputInterfaceIndex == index))
            {
                sb.DeleteRoute(route);
            }
        }
    }

    private static NetlinkLink? FindByEndpoint(NetlinkClient sb, string endpointId) =>
        sb.GetLinks().FirstOrDefault(l => InterfaceAlias.IsOf(l.Alias, endpointId));

    private void Step(string step) => _options.AfterStep?.Invoke(step);

    /// <summary><paramref name="prefix"/> plus the lowest index no link in the sandbox uses.</summary>
    private static string NextName(NetlinkClient sb, string prefix)
    {
        var used = sb.GetLinks().Select(l => l.Name).ToHashSet(StringComparer.Ordinal);
        var i = 0;
        while (used.Contains(prefix + i))
        {
            i++;
        }

        return prefix + i;
    }

    private SandboxState State(string key) =>
        _sandboxes.TryGetValue(key, out var state) ? state : throw CnmException.NotFound($"sandbox {key} does not exist");
}
