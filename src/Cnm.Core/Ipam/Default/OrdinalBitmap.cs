using System.Diagnostics;
using System.Numerics;

namespace Cnm.Core.Ipam.Default;

/// <summary>
/// The allocated ordinals (host offsets) of one master pool, within <c>[First, Last]</c>.
/// </summary>
/// <remarks>
/// A 64-ary tree over 4,096-ordinal leaves (64 words of 64 bits), built only where something is
/// allocated and pruned again when a subtree empties. Each node keeps a "child is full" mask and a
/// count, so the lowest free ordinal is found with a few trailing-zero counts per level and counts
/// of a range need no scan. An empty pool of any size is one small object; a full /16 is 16 leaves
/// (about 9 KiB); a /64 is 9 levels deep. Ordinals outside <c>[First, Last]</c> (the reserved network
/// and broadcast addresses) are never stored: masks treat them as taken.
/// Not thread-safe: the owner's address-space lock guards it.
/// </remarks>
internal sealed partial class OrdinalBitmap
{
    private const int LeafShift = 12;
    private const int FanShift = 6;

    private readonly int _rootShift;
    private Leaf? _rootLeaf;
    private Node? _rootNode;

    public OrdinalBitmap(ulong first, ulong last)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(first, last);
        First = first;
        Last = last;

        // The root's children each span 2^_rootShift ordinals and there are at most 64 of them; a root
        // that fits in one leaf is the leaf itself (_rootShift = -1).
        _rootShift = -1;
        if (last >> LeafShift != 0)
        {
            _rootShift = LeafShift;
            while (last >> _rootShift >= 64)
            {
                _rootShift += FanShift;
            }
        }
    }

    public ulong First { get; }

    public ulong Last { get; }

    /// <summary>Allocated ordinals.</summary>
    public ulong Used { get; private set; }

    /// <summary>True when <paramref name="ordinal"/> is allocated.</summary>
    public bool Contains(ulong ordinal)
    {
        if (ordinal < First || ordinal > Last)
        {
            return false;
        }

        if (_rootShift < 0)
        {
            return _rootLeaf is { } rootLeaf && rootLeaf.Contains(ordinal);
        }

        var node = _rootNode;
        while (node is not null)
        {
            var c = node.ChildIndex(ordinal);
            if (node.Shift == LeafShift)
            {
                return node.Leaves?[c] is { } leaf && leaf.Contains(ordinal);
            }

            node = node.Nodes?[c];
        }

        return false;
    }

    /// <summary>Marks <paramref name="ordinal"/> allocated; false when it already was.</summary>
    public bool Set(ulong ordinal)
    {
        Debug.Assert(ordinal >= First && ordinal <= Last, "ordinal outside the bitmap");
        bool added;
        if (_rootShift < 0)
        {
            _rootLeaf ??= new Leaf(this, 0);
            added = _rootLeaf.Set(this, ordinal, out _);
        }
        else
        {
            _rootNode ??= new Node(this, 0, _rootShift);
            added = _rootNode.Set(this, ordinal, out _);
        }

        if (added)
        {
            Used++;
        }

        return added;
    }

    /// <summary>Marks <paramref name="ordinal"/> free; false when it was not allocated.</summary>
    public bool Clear(ulong ordinal)
    {
        if (ordinal < First || ordinal > Last)
        {
            return false;
        }

        var removed = false;
        var empty = false;
        if (_rootShift < 0)
        {
            if (_rootLeaf is { } leaf && leaf.Clear(ordinal, out empty))
            {
                removed = true;
                _rootLeaf = empty ? null : _rootLeaf;
            }
        }
        else if (_rootNode is { } node && node.Clear(ordinal, out empty))
        {
            removed = true;
            _rootNode = empty ? null : _rootNode;
        }

        if (removed)
        {
            Used--;
        }

        return removed;
    }

    /// <summary>The lowest free ordinal in <c>[lo, hi]</c>, which must lie inside <c>[First, Last]</c>.</summary>
    public bool TryFindFree(ulong lo, ulong hi, out ulong ordinal)
    {
        Debug.Assert(lo >= First && hi <= Last && lo <= hi, "range outside the bitmap");
        if (_rootShift < 0)
        {
            if (_rootLeaf is null)
            {
                ordinal = lo;
                return true;
            }

            return _rootLeaf.TryFindFree(lo, hi, out ordinal);
        }

        if (_rootNode is null)
        {
            ordinal = lo;
            return true;
        }

        return _rootNode.TryFindFree(lo, hi, out ordinal);
    }

    /// <summary>Allocated ordinals in <c>[lo, hi]</c>, which must lie inside <c>[First, Last]</c>.</summary>
    public ulong CountUsed(ulong lo, ulong hi)
    {
        Debug.Assert(lo >= First && hi <= Last && lo <= hi, "range outside the bitmap");
        if (lo == First && hi == Last)
        {
            return Used;
        }

        return _rootShift < 0
            ? (ulong)(_rootLeaf?.CountUsed(lo, hi) ?? 0)
            : _rootNode?.CountUsed(lo, hi) ?? 0;
    }

    /// <summary>Mask of bits <paramref name="lo"/>..<paramref name="hi"/> (0 ≤ lo ≤ hi ≤ 63).</summary>
    private static ulong Bits(int lo, int hi) => (ulong.MaxValue >> (63 - hi)) & (ulong.MaxValue << lo);

    /// <summary>
    /// Mask of the 64 slots (each 2^<paramref name="shift"/> ordinals wide, from <paramref name="baseOrdinal"/>)
    /// that hold at least one ordinal of <c>[lo, hi]</c>.
    /// </summary>
    private static ulong SlotMask(ulong baseOrdinal, int shift, ulong lo, ulong hi)
    {
        if (hi < baseOrdinal)
        {
            return 0;
        }

        var first = lo <= baseOrdinal ? 0 : (lo - baseOrdinal) >> shift;
        if (first > 63)
        {
            return 0;
        }

        var last = Math.Min(63, (hi - baseOrdinal) >> shift);
        return Bits((int)first, (int)last);
    }

    private static int TrailingZeros(ulong value) => BitOperations.TrailingZeroCount(value);
}
