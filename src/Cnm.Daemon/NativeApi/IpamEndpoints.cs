using Cnm.Core.Control;
using Cnm.Core.Ipam;
using Cnm.Core.Model;
using Cnm.Daemon.ApiDocs;

namespace Cnm.Daemon.NativeApi;

/// <summary>
/// <c>GET /cnm/v1/ipam/pools</c>: every pool the networks hold, with its IPAM driver, address space, range and
/// gateway, and its usage when the IPAM can tell (the built-in <c>default</c> IPAM; a plugin keeps its own).
/// </summary>
internal static class IpamEndpoints
{
    public static void MapNativeIpam(this IEndpointRouteBuilder app, Controller controller) =>
        app.MapGet("/cnm/v1/ipam/pools", () => DockerJson.Result(Pools(controller), DockerJson.Context.ListIpamPoolResource))
            .WithName("ListIpamPools").WithSummary("List the pools the networks hold, with their usage where the IPAM can tell").WithTags(RouteDescriptions.NativeTag)
            .Produces<List<IpamPoolResource>>(StatusCodes.Status200OK, DockerJson.ContentType)
            .ProducesErrors();

    private static List<IpamPoolResource> Pools(Controller controller)
    {
        // One snapshot per IPAM driver per answer: each address space is copied at one instant.
        var usage = new Dictionary<string, IReadOnlyList<PoolUsage>?>(StringComparer.Ordinal);
        var pools = new List<IpamPoolResource>();
        foreach (var network in controller.Networks)
        {
            if (!usage.TryGetValue(network.IpamDriver, out var held))
            {
                held = usage[network.IpamDriver] = controller.GetIpamUsage(network.IpamDriver);
            }

            pools.AddRange(network.IPv4Pools.Select(p => ToResource(network, p, "ipv4", held)));
            pools.AddRange(network.IPv6Pools.Select(p => ToResource(network, p, "ipv6", held)));
        }

        return pools;
    }

    private static IpamPoolResource ToResource(Network network, NetworkPool pool, string family, IReadOnlyList<PoolUsage>? held)
    {
        var usage = held?.FirstOrDefault(u => u.PoolId == pool.PoolId);
        return new IpamPoolResource(
            network.Name,
            network.Id,
            network.Driver,
            network.IpamDriver,
            network.AddressSpace,
            pool.PoolId,
            family,
            pool.Pool.ToString(),
            pool.SubPool?.ToString(),
            pool.Gateway?.Address.ToString(),
            usage is null ? null : new IpamUsageResource(usage.Total, usage.Used, usage.Free, usage.References));
    }
}
