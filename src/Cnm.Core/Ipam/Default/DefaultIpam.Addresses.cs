using System.Net;
using Cnm.Core.Errors;

namespace Cnm.Core.Ipam.Default;

internal sealed partial class DefaultIpam
{
    /// <inheritdoc />
    public Task<AddressAllocation> RequestAddressAsync(AddressRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Answer(() => RequestAddress(request), cancellationToken);
    }

    /// <inheritdoc />
    public Task ReleaseAddressAsync(string poolId, IPAddress address, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        return Answer(() => ReleaseAddress(poolId, address), cancellationToken);
    }

    private AddressAllocation RequestAddress(AddressRequest request)
    {
        var space = SpaceOfPoolId(request.PoolId);
        lock (space.Gate)
        {
            var handle = FindPool(space, request.PoolId);
            var master = handle.Master;
            ulong ordinal;
            if (request.Address is { } wanted)
            {
                // Checked against the master even for a sub-pool id, as the reference does (docs/reference-host.md §5.5).
                ordinal = OrdinalOf(master, wanted, request.PoolId, release: false);
                if (!master.Bitmap!.Set(ordinal))
                {
                    throw IpamErrors.IpAlreadyAllocated($"{wanted} in pool {request.PoolId}");
                }
            }
            else
            {
                ordinal = AllocateAny(handle, IsSerial(request.Options));
            }

            return new AddressAllocation(master.AddressAt(ordinal));
        }
    }

    /// <summary>
    /// The lowest free ordinal of the handle's range, or with <paramref name="serial"/> the first free
    /// one from just past the last address handed out this way, wrapping (docs/reference-host.md §5.5).
    /// </summary>
    private static ulong AllocateAny(PoolHandle handle, bool serial)
    {
        var master = handle.Master;
        if (handle.IsEmpty)
        {
            throw IpamErrors.NoAvailableIps(handle.Id);
        }

        var bitmap = master.Bitmap!;
        var from = serial && master.Cursor >= handle.Lo && master.Cursor <= handle.Hi ? master.Cursor : handle.Lo;
        if (!bitmap.TryFindFree(from, handle.Hi, out var ordinal)
            && (from == handle.Lo || !bitmap.TryFindFree(handle.Lo, from - 1, out ordinal)))
        {
            throw IpamErrors.NoAvailableIps(handle.Id);
        }

        bitmap.Set(ordinal);
        master.Cursor = ordinal + 1;
        return ordinal;
    }

    private static bool IsSerial(IReadOnlyDictionary<string, string>? options) =>
        options is not null && options.TryGetValue(IpamOptions.Serial, out var value) && value == "true";

    private void ReleaseAddress(string poolId, IPAddress address)
    {
        var space = SpaceOfPoolId(poolId);
        lock (space.Gate)
        {
            var master = FindPool(space, poolId).Master;
            var ordinal = OrdinalOf(master, address, poolId, release: true);

            // The reference ignores a release of a free address (and miscounts); Cnm says so.
            if (!master.Bitmap!.Clear(ordinal))
            {
                throw CnmException.NotFound($"address {address} is not allocated in pool {poolId}");
            }
        }
    }

    /// <summary>The ordinal of <paramref name="address"/> in <paramref name="master"/>, or the reason it has none.</summary>
    private static ulong OrdinalOf(MasterPool master, IPAddress address, string poolId, bool release)
    {
        if (!master.Network.Contains(address))
        {
            throw IpamErrors.IpOutOfRange($"{address} is not in pool {master.Network} ({poolId})");
        }

        var offset = Net.IpPrefix.ToUInt128(address) - master.Start;
        if (master.IsReserved(offset))
        {
            var what = offset == 0 ? "network" : "broadcast";

            // The reference lets a release clear the reserved bit, after which the network address can
            // be handed out; Cnm keeps it reserved and says so.
            throw release
                ? CnmException.InvalidParameter($"{address} is the {what} address of pool {master.Network} ({poolId}); it is reserved and cannot be released")
                : IpamErrors.IpAlreadyAllocated($"{address} is the {what} address of pool {master.Network} ({poolId}), reserved");
        }

        if (master.Bitmap is null || offset > master.Last)
        {
            throw IpamErrors.IpOutOfRange(
                $"{address} is beyond the first 2^64-1 addresses of pool {master.Network} ({poolId}), the most one pool allocates from");
        }

        return (ulong)offset;
    }
}
