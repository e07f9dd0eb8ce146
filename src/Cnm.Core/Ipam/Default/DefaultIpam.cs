using Cnm.Core.Errors;
using Cnm.Core.Net;

namespace Cnm.Core.Ipam.Default;

/// <summary>
/// The built-in <c>default</c> IPAM (docs/reference-host.md §5): address spaces LocalDefault and GlobalDefault,
/// predefined pools handed out first-fit, pool ids as the reference writes them, and a compact bitmap
/// per master pool. State is in memory; the controller replays allocations after a restart
/// (<see cref="BuiltInIpams.DefaultCapabilities"/>). Every method completes synchronously.
/// </summary>
internal sealed partial class DefaultIpam : IIpamDriver, IIpamUsage
{
    private static readonly AddressSpaces DefaultSpaces = new(BuiltInIpams.LocalDefaultSpace, BuiltInIpams.GlobalDefaultSpace);

    private readonly AddressSpace _local;
    private readonly AddressSpace _global;

    /// <exception cref="ArgumentException">The options name an invalid pool.</exception>
    public DefaultIpam(DefaultIpamOptions? options = null)
    {
        options ??= new DefaultIpamOptions();
        _local = new AddressSpace(
            BuiltInIpams.LocalDefaultSpace,
            PredefinedPools.Create(options.LocalPools, $"{nameof(DefaultIpamOptions)}.{nameof(DefaultIpamOptions.LocalPools)}"));
        _global = new AddressSpace(
            BuiltInIpams.GlobalDefaultSpace,
            PredefinedPools.Create(options.GlobalPools, $"{nameof(DefaultIpamOptions)}.{nameof(DefaultIpamOptions.GlobalPools)}"));
    }

    /// <summary>The predefined pools of a space, in order (for diagnostics and tests).</summary>
    public IEnumerable<IpPrefix> PredefinedPoolsOf(string addressSpace, bool v6) =>
        (FindSpace(addressSpace) ?? throw new ArgumentException($"unknown address space {addressSpace}", nameof(addressSpace)))
            .Predefined.Enumerate(v6);

    /// <inheritdoc />
    public Task<AddressSpaces> GetDefaultAddressSpacesAsync(CancellationToken cancellationToken) =>
        cancellationToken.IsCancellationRequested
            ? Task.FromCanceled<AddressSpaces>(cancellationToken)
            : Task.FromResult(DefaultSpaces);

    /// <inheritdoc />
    public IReadOnlyList<PoolUsage> Snapshot()
    {
        var usage = new List<PoolUsage>();
        foreach (var space in new[] { _local, _global })
        {
            lock (space.Gate)
            {
                foreach (var handle in space.Pools.Values)
                {
                    var master = handle.Master;
                    usage.Add(new PoolUsage(
                        handle.Id,
                        space.Name,
                        master.Network,
                        handle.SubPool,
                        handle.Total,
                        handle.Used,
                        handle.SubPool is null ? master.References : 1));
                }
            }
        }

        usage.Sort(CompareUsage);
        return usage;
    }

    private static int CompareUsage(PoolUsage a, PoolUsage b)
    {
        var c = SpaceOrder(a.AddressSpace).CompareTo(SpaceOrder(b.AddressSpace));
        if (c == 0)
        {
            c = a.Pool.IsV6.CompareTo(b.Pool.IsV6);
        }

        if (c == 0)
        {
            c = IpPrefix.ToUInt128(a.Pool.Address).CompareTo(IpPrefix.ToUInt128(b.Pool.Address));
        }

        if (c == 0)
        {
            c = (a.SubPool is not null).CompareTo(b.SubPool is not null);
        }

        if (c == 0 && a.SubPool is { } sa && b.SubPool is { } sb)
        {
            c = IpPrefix.ToUInt128(sa.Address).CompareTo(IpPrefix.ToUInt128(sb.Address));
            if (c == 0)
            {
                c = sa.PrefixLength.CompareTo(sb.PrefixLength);
            }
        }

        return c != 0 ? c : string.CompareOrdinal(a.PoolId, b.PoolId);

        static int SpaceOrder(string space) => space == BuiltInIpams.LocalDefaultSpace ? 0 : 1;
    }

    private AddressSpace? FindSpace(ReadOnlySpan<char> name) =>
        name.SequenceEqual(BuiltInIpams.LocalDefaultSpace) ? _local
        : name.SequenceEqual(BuiltInIpams.GlobalDefaultSpace) ? _global
        : null;

    /// <summary>
    /// The space a pool id belongs to. Ids have exactly 3 or 5 '/'-separated parts, as the reference
    /// parses them (docs/reference-host.md §5.3); an id of another space cannot be one of ours.
    /// </summary>
    private AddressSpace SpaceOfPoolId(string? poolId)
    {
        var slashes = poolId is null ? 0 : poolId.AsSpan().Count('/');
        if (poolId is null || (slashes != 2 && slashes != 4))
        {
            throw CnmException.InvalidParameter($"invalid pool id: {poolId}");
        }

        return FindSpace(poolId.AsSpan(0, poolId.IndexOf('/', StringComparison.Ordinal)))
            ?? throw IpamErrors.PoolNotFound(poolId);
    }

    private static PoolHandle FindPool(AddressSpace space, string poolId) =>
        space.Pools.TryGetValue(poolId, out var handle) ? handle : throw IpamErrors.PoolNotFound(poolId);

    /// <summary>Runs synchronous IPAM work as a task: cancelled before it starts when asked, its error in the task.</summary>
    private static Task<T> Answer<T>(Func<T> work, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<T>(cancellationToken);
        }

        try
        {
            return Task.FromResult(work());
        }
        catch (CnmException e)
        {
            return Task.FromException<T>(e);
        }
    }

    private static Task<bool> Answer(Action work, CancellationToken cancellationToken) => Answer(() =>
    {
        work();
        return true;
    }, cancellationToken);
}
