using System.Net;
using Cnm.Core.Errors;
using Cnm.Core.Ipam;
using Cnm.Core.Model;
using Cnm.Core.Net;
using Cnm.Core.Persistence;
using Cnm.Protocol;

namespace Cnm.Core.Control;

public sealed partial class Controller
{
    /// <summary>What address assignment for one endpoint create needs: the intent is set when releases to the IPAM are tracked.</summary>
    private sealed record AddressAssignment(Network Network, IpamDriverEntry Ipam, Dictionary<string, string>? Options, string EndpointName,
        Rollback Rollback, Intent? Intent, string NotCreated, string Operation);

    private async Task<(IpPrefix? Address, string? PoolId)> AssignAddressAsync(AddressAssignment assign, IReadOnlyList<NetworkPool> pools,
        IPAddress? preferred, CancellationToken cancellationToken)
    {
        var (network, ipam, options, endpointName) = (assign.Network, assign.Ipam, assign.Options, assign.EndpointName);
        if (pools.Count == 0)
        {
            return (null, null);
        }

        var candidates = preferred is null ? pools : pools.Where(p => p.Pool.Contains(preferred)).ToList();
        if (candidates.Count == 0)
        {
            throw CnmException.InvalidParameter(
                $"endpoint {endpointName}: address {preferred} does not belong to any of network {network.Name}'s subnets ({string.Join(", ", pools.Select(p => p.Pool))})");
        }

        CnmException? exhausted = null;
        foreach (var pool in candidates)
        {
            AddressAllocation allocation;
            try
            {
                allocation = await ipam.Driver.RequestAddressAsync(new AddressRequest(pool.PoolId, preferred, options), cancellationToken)
                    .ConfigureAwait(false);
            }
            // Only the built-in IPAM's "no available addresses" moves on to the next pool, as in the reference
            // (docs/reference-host.md §4.4). From a plugin, Unavailable means it cannot be reached: that must be reported
            // as such, not as full pools.
            catch (CnmException ex) when (ex.Category == ErrorCategory.Unavailable && preferred is null && ipam.IsBuiltIn)
            {
                exhausted = ex; // this pool is full: try the next one
                continue;
            }
            catch (CnmException ex)
            {
                if (ex.Category == ErrorCategory.Timeout && preferred is not null && assign.Intent is { } owing)
                {
                    _journal.OweAfterTimeout(owing, ReleaseCalls.Address(ipam.Name, pool.PoolId, preferred), ex);
                }

                throw new CnmException(ex.Category,
                    $"endpoint {endpointName}: IPAM {ipam.Name} could not allocate {(preferred is null ? "an address" : $"address {preferred}")} on network {network.Name}: {ex.Message}", ex);
            }

            if (allocation.Address is { } address)
            {
                assign.Rollback.Add($"release address {address.Address}",
                    () => ipam.Driver.ReleaseAddressAsync(pool.PoolId, address.Address, CancellationToken.None));
                if (assign.Intent is { } intent)
                {
                    intent.AddRelease(ReleaseCalls.Address(ipam.Name, pool.PoolId, address.Address));
                    await _journal.WriteIntentAsync(intent, assign.NotCreated).ConfigureAwait(false);
                }

                await _journal.StepAsync(assign.Operation, "RequestAddress").ConfigureAwait(false);
            }

            return (allocation.Address, pool.PoolId);
        }

        throw CnmException.Unavailable(
            $"endpoint {endpointName}: no available {(pools[0].Pool.IsV6 ? "IPv6" : "IPv4")} addresses on network {network.Name}'s address pools: {exhausted?.Message}");
    }
}
