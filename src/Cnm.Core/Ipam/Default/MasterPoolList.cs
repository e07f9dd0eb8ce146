namespace Cnm.Core.Ipam.Default;

/// <summary>
/// The master pools of one family in one address space, sorted by first address. Masters never
/// overlap (every way of creating one checks), so their last addresses ascend too and both overlap
/// checks and the first-fit walk are binary searches.
/// </summary>
internal sealed class MasterPoolList
{
    private readonly List<MasterPool> _pools = [];

    public int Count => _pools.Count;

    public MasterPool this[int index] => _pools[index];

    /// <summary>The first pool whose last address is at or after <paramref name="address"/>.</summary>
    public MasterPool? FirstEndingAtOrAfter(UInt128 address)
    {
        var index = IndexOfFirstEndingAtOrAfter(address);
        return index < _pools.Count ? _pools[index] : null;
    }

    /// <summary>Index of the first pool whose last address is at or after <paramref name="address"/>; <see cref="Count"/> if none.</summary>
    public int IndexOfFirstEndingAtOrAfter(UInt128 address)
    {
        int lo = 0, hi = _pools.Count;
        while (lo < hi)
        {
            var mid = lo + ((hi - lo) >> 1);
            if (_pools[mid].End < address)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    /// <summary>A pool sharing an address with <c>[start, end]</c>, if any.</summary>
    public MasterPool? FindOverlap(UInt128 start, UInt128 end) =>
        FirstEndingAtOrAfter(start) is { } pool && pool.Start <= end ? pool : null;

    public void Add(MasterPool pool)
    {
        int lo = 0, hi = _pools.Count;
        while (lo < hi)
        {
            var mid = lo + ((hi - lo) >> 1);
            if (_pools[mid].Start < pool.Start)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        _pools.Insert(lo, pool);
    }

    public void Remove(MasterPool pool)
    {
        var index = IndexOfFirstEndingAtOrAfter(pool.End);
        if (index < _pools.Count && ReferenceEquals(_pools[index], pool))
        {
            _pools.RemoveAt(index);
        }
    }
}
