using System.Net;
using Cnm.Core.Drivers;
using Cnm.Core.Errors;
using Cnm.Core.Ipam;
using Cnm.Core.Model;
using Cnm.Core.Net;
using Cnm.Core.Persistence;

namespace Cnm.Core.Control;

public sealed partial class Controller
{
    /// <summary>What pool allocation for one network create needs: the intent is set when releases to the IPAM are tracked.</summary>
    private sealed record PoolAllocationContext(Network Network, IpamDriverEntry Ipam, Rollback Rollback, Intent? Intent, string NotCreated);

    private async Task<IReadOnlyList<NetworkPool>> AllocatePoolsAsync(PoolAllocationContext context, IReadOnlyList<PoolPlan> plans, bool v6,
        CancellationToken cancellationToken)
    {
        var pools = new List<NetworkPool>();
        foreach (var plan in plans)
        {
            pools.Add(await AllocatePoolAsync(context, plan, v6, cancellationToken).ConfigureAwait(false));
        }

        return pools;
    }

    /// <summary>Records an allocation just made in the intent (when tracked) before the next step, and runs the test hook.</summary>
    private async Task AllocatedAsync(PoolAllocationContext context, PendingCall release, string step)
    {
        if (context.Intent is { } intent)
        {
            intent.AddRelease(release);
            await _journal.WriteIntentAsync(intent, context.NotCreated).ConfigureAwait(false);
        }

        await _journal.StepAsync(IntentOperations.NetworkCreate, step).ConfigureAwait(false);
    }

    private async Task<NetworkPool> AllocatePoolAsync(PoolAllocationContext context, PoolPlan plan, bool v6, CancellationToken cancellationToken)
    {
        var (network, ipam, rollback) = (context.Network, context.Ipam, context.Rollback);
        var name = network.Name;
        var family = v6 ? "IPv6" : "IPv4";
        var request = new PoolRequest(network.AddressSpace, plan.Subnet, plan.IpRange, network.Options.IpamOptions, v6);
        var pool = await DriverCalls.RunAsync($"network {name}: IPAM {ipam.Name} could not allocate an {family} pool",
            () => ipam.Driver.RequestPoolAsync(request, cancellationToken)).ConfigureAwait(false);
        rollback.Add($"release pool {pool.PoolId}", () => ipam.Driver.ReleasePoolAsync(pool.PoolId, CancellationToken.None));
        await AllocatedAsync(context, new PendingCall { Method = PendingMethods.ReleasePool, Driver = ipam.Name, PoolId = pool.PoolId },
            "RequestPool").ConfigureAwait(false);

        IpPrefix? gateway = null;
        var gatewayFromIpam = false;
        if (pool.Data?.GetValueOrDefault(IpamOptions.Gateway) is { } dataGateway)
        {
            if (!IpPrefix.TryParse(dataGateway, out var parsed))
            {
                throw CnmException.InvalidParameter(
                    $"network {name}: IPAM {ipam.Name} returned an unparsable gateway \"{dataGateway}\" for pool {pool.Pool}");
            }

            gateway = parsed;
            gatewayFromIpam = true;
        }

        if (plan.Gateway is not null || gateway is null)
        {
            var options = new Dictionary<string, string> { [IpamOptions.RequestAddressType] = IpamOptions.GatewayType };
            var allocated = await _journal.CallAsync(
                $"network {name}: IPAM {ipam.Name} could not allocate the gateway{(plan.Gateway is null ? "" : $" {plan.Gateway}")}",
                () => ipam.Driver.RequestAddressAsync(new AddressRequest(pool.PoolId, plan.Gateway, options), cancellationToken),
                context.Intent, plan.Gateway is { } wanted ? ReleaseCalls.Address(ipam.Name, pool.PoolId, wanted) : null).ConfigureAwait(false);
            if (allocated.Address is { } address)
            {
                rollback.Add($"release gateway {address.Address}",
                    () => ipam.Driver.ReleaseAddressAsync(pool.PoolId, address.Address, CancellationToken.None));
                gateway = address;
                gatewayFromIpam = false;
                await AllocatedAsync(context, ReleaseCalls.Address(ipam.Name, pool.PoolId, address.Address), "RequestAddress").ConfigureAwait(false);
            }
        }

        var aux = new Dictionary<string, IPAddress>(StringComparer.Ordinal);
        foreach (var (auxName, address) in plan.Aux)
        {
            if (!pool.Pool.Contains(address))
            {
                throw CnmException.InvalidParameter($"network {name}: aux-address {auxName} {address} is not inside pool {pool.Pool}");
            }

            await _journal.CallAsync($"network {name}: IPAM {ipam.Name} could not reserve aux-address {auxName} {address}",
                () => ipam.Driver.RequestAddressAsync(new AddressRequest(pool.PoolId, address), cancellationToken),
                context.Intent, ReleaseCalls.Address(ipam.Name, pool.PoolId, address)).ConfigureAwait(false);
            rollback.Add($"release aux-address {address}", () => ipam.Driver.ReleaseAddressAsync(pool.PoolId, address, CancellationToken.None));
            aux[auxName] = address;
            await AllocatedAsync(context, ReleaseCalls.Address(ipam.Name, pool.PoolId, address), "RequestAddress").ConfigureAwait(false);
        }

        return new NetworkPool(pool.PoolId, pool.Pool, plan.IpRange, gateway, gatewayFromIpam, aux);
    }

    /// <summary>The driver's CreateNetwork of <paramref name="network"/> as it is (its options and pools).</summary>
    private static CreateNetworkArgs CreateNetworkArgsOf(Network network) =>
        new(network.Id, GenericOptions.ForNetwork(network.Options), IpamDataOf(network, network.IPv4Pools), IpamDataOf(network, network.IPv6Pools));

    // A loop, not a Select: its closure and iterator were allocated on every CreateNetwork.
    private static IpamPoolData[] IpamDataOf(Network network, IReadOnlyList<NetworkPool> pools)
    {
        if (pools.Count == 0)
        {
            return [];
        }

        var data = new IpamPoolData[pools.Count];
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = ToIpamData(network, pools[i]);
        }

        return data;
    }

    private static IpamPoolData ToIpamData(Network network, NetworkPool pool) =>
        new(network.AddressSpace, pool.Pool, pool.Gateway is { } g ? new IpPrefix(g.Address, pool.Pool.PrefixLength) : null,
            pool.AuxAddresses.Count == 0 ? null
                : pool.AuxAddresses.ToDictionary(a => a.Key, a => new IpPrefix(a.Value, pool.Pool.PrefixLength), StringComparer.Ordinal));
}
