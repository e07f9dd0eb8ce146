using System.Net.Sockets;
using Cnm.Core.Errors;
using Cnm.Core.Model;
using Cnm.Linux.Namespaces;
using Cnm.Linux.Netlink;

namespace Cnm.Linux.Sandboxes;

public sealed partial class LinuxSandboxProvider
{
    /// <inheritdoc />
    /// <remarks>
    /// A link in the namespace marked for an endpoint that the state does not have joined there (a join a kill -9 cut
    /// short, which start-up undoes, or a leave committed before its interface came out, which start-up finishes) is
    /// put back into the host namespace under its SrcName, as a Leave does (spec/linux-sandboxes.md, "Crash safety").
    /// </remarks>
    public Task RestoreAsync(Sandbox sandbox, CancellationToken cancellationToken) => RestoreAsync(sandbox, [], cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// Also gives the state's gateway endpoint its default routes back when they are missing: a join that a kill -9 cut
    /// short after it took the gateway over removed them (spec/linux-sandboxes.md, "Crash safety").
    /// </remarks>
    public async Task RestoreAsync(Sandbox sandbox, IReadOnlyList<Endpoint> joined, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sandbox);
        ArgumentNullException.ThrowIfNull(joined);
        var state = new SandboxState(sandbox.Id, sandbox.Options) { GatewayEndpointId = sandbox.GatewayEndpointId };
        _sandboxes[sandbox.Key] = state;
        if (!NetworkNamespace.IsMounted(sandbox.Key))
        {
            return; // the namespace vanished (or a crash left only its empty file): start-up clean-up decides
        }

        if (sandbox.Options.HostNetwork)
        {
            return;
        }

        var sb = await ClientAsync(sandbox.Key, cancellationToken).ConfigureAwait(false);
        var joinedIds = sandbox.EndpointIds.ToHashSet(StringComparer.Ordinal);
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var link in sb.GetLinks())
        {
            if (!InterfaceAlias.TryParse(link.Alias, out var endpointId, out var srcName))
            {
                continue; // not moved in by a Join (a driver may make links in the sandbox itself)
            }

            if (joinedIds.Contains(endpointId))
            {
                present.Add(endpointId);
                continue;
            }

            var host = await HostAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                PutBack(host, sb, endpointId, srcName);
            }
            catch (CnmException)
            {
                // best effort, as a Leave: the plugin's DeleteEndpoint (or the namespace's delete) removes it in the end
            }
        }

        var answers = joined.Where(e => e.Join is not null).ToDictionary(e => e.Id, e => e.Join, StringComparer.Ordinal);
        state.Joined.AddRange(sandbox.EndpointIds.Where(present.Contains).Select(id => (id, answers.GetValueOrDefault(id))));
        if (sandbox.GatewayEndpointId is { } gatewayId && answers.GetValueOrDefault(gatewayId) is { } gatewayJoin
            && FindByEndpoint(sb, gatewayId) is { } gatewayLink)
        {
            RestoreDefaultRoutes(sb, gatewayLink.Index, gatewayJoin);
        }
    }

    /// <summary>Adds the gateway endpoint's default route of each family that has none in the sandbox.</summary>
    private static void RestoreDefaultRoutes(NetlinkClient sb, int index, JoinResult join)
    {
        foreach (var (gateway, family) in new[] { (join.Gateway, AddressFamily.InterNetwork), (join.GatewayIPv6, AddressFamily.InterNetworkV6) })
        {
            if (gateway is not null && !sb.GetRoutes(family).Any(r => r.IsDefault))
            {
                sb.AddRoute(NetlinkRoute.DefaultVia(gateway, index));
            }
        }
    }

    /// <inheritdoc />
    /// <remarks>True when a namespace is mounted at the key.</remarks>
    public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken) => Task.FromResult(NetworkNamespace.IsMounted(key));

    /// <inheritdoc />
    /// <remarks>
    /// Every file under <see cref="NetnsDirectory"/> that is not a known key (a mounted namespace, or the empty file a
    /// crash left before its mount) is unmounted and removed, and so is every resolver directory under
    /// <c>{ExecRoot}/sandboxes</c> whose id does not start with a known key's name. A Join's mark left on a link in the
    /// host namespace (a kill -9 between marking it and moving it, or between moving it back and unmarking it) is
    /// cleared: a joined interface is never in the host namespace.
    /// </remarks>
    public async Task<IReadOnlyList<string>> RemoveUnknownAsync(IReadOnlyCollection<string> knownKeys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(knownKeys);
        var known = knownKeys.Select(Path.GetFullPath).ToHashSet(StringComparer.Ordinal);
        var removed = new List<string>();
        if (Directory.Exists(NetnsDirectory))
        {
            foreach (var path in Directory.EnumerateFiles(NetnsDirectory).Order(StringComparer.Ordinal).Where(p => !known.Contains(Path.GetFullPath(p))))
            {
                if (_clients.TryRemove(path, out var client))
                {
                    client.Dispose();
                }

                NetworkNamespace.Delete(path);
                _sandboxes.TryRemove(path, out _);
                removed.Add(path);
            }
        }

        var files = Path.Combine(_options.ExecRoot, "sandboxes");
        if (Directory.Exists(files))
        {
            var prefixes = known.Select(Path.GetFileName).OfType<string>().ToList();
            foreach (var dir in Directory.EnumerateDirectories(files).Where(d => !prefixes.Any(p => Path.GetFileName(d).StartsWith(p, StringComparison.Ordinal))))
            {
                Directory.Delete(dir, recursive: true);
            }
        }

        var host = await HostAsync(cancellationToken).ConfigureAwait(false);
        foreach (var link in host.GetLinks().Where(l => InterfaceAlias.TryParse(l.Alias, out _, out _)))
        {
            ClearAlias(host, link.Index);
        }

        return removed;
    }
}
