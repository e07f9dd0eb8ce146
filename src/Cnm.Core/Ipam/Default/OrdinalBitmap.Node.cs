namespace Cnm.Core.Ipam.Default;

internal sealed partial class OrdinalBitmap
{
    /// <summary>Up to 64 children of 2^<see cref="Shift"/> ordinals each, created on first use.</summary>
    private sealed class Node
    {
        private readonly int _childCount;
        private readonly ulong _inRange;
        private ulong _full;

        public Node(OrdinalBitmap owner, ulong baseOrdinal, int shift)
        {
            Base = baseOrdinal;
            Shift = shift;
            _childCount = (int)Math.Min(64, ((owner.Last - baseOrdinal) >> shift) + 1);
            _inRange = SlotMask(baseOrdinal, shift, owner.First, owner.Last);
        }

        public ulong Base { get; }

        public int Shift { get; }

        public ulong Used { get; private set; }

        /// <summary>Children when <see cref="Shift"/> is above the leaf size.</summary>
        public Node?[]? Nodes { get; private set; }

        /// <summary>Children when <see cref="Shift"/> is the leaf size.</summary>
        public Leaf?[]? Leaves { get; private set; }

        public int ChildIndex(ulong ordinal) => (int)((ordinal - Base) >> Shift);

        public bool Set(OrdinalBitmap owner, ulong ordinal, out bool full)
        {
            var c = ChildIndex(ordinal);
            bool added, childFull;
            if (Shift == LeafShift)
            {
                var leaves = Leaves ??= new Leaf?[_childCount];
                var leaf = leaves[c] ??= new Leaf(owner, ChildBase(c));
                added = leaf.Set(owner, ordinal, out childFull);
            }
            else
            {
                var nodes = Nodes ??= new Node?[_childCount];
                var node = nodes[c] ??= new Node(owner, ChildBase(c), Shift - FanShift);
                added = node.Set(owner, ordinal, out childFull);
            }

            if (!added)
            {
                full = false;
                return false;
            }

            Used++;
            if (childFull)
            {
                _full |= 1UL << c;
            }

            full = (_full & _inRange) == _inRange;
            return true;
        }

        public bool Clear(ulong ordinal, out bool empty)
        {
            var c = ChildIndex(ordinal);
            empty = false;
            bool childEmpty;
            if (Shift == LeafShift)
            {
                if (Leaves?[c] is not { } leaf || !leaf.Clear(ordinal, out childEmpty))
                {
                    return false;
                }

                if (childEmpty)
                {
                    Leaves[c] = null;
                }
            }
            else
            {
                if (Nodes?[c] is not { } node || !node.Clear(ordinal, out childEmpty))
                {
                    return false;
                }

                if (childEmpty)
                {
                    Nodes[c] = null;
                }
            }

            Used--;
            _full &= ~(1UL << c);
            if (Used == 0)
            {
                // Give the child array back too: a released pool shrinks to what an empty one costs.
                Leaves = null;
                Nodes = null;
                empty = true;
            }

            return true;
        }

        public bool TryFindFree(ulong lo, ulong hi, out ulong ordinal)
        {
            var candidates = ~_full & SlotMask(Base, Shift, lo, hi);
            while (candidates != 0)
            {
                var c = TrailingZeros(candidates);
                var childBase = ChildBase(c);
                var childLo = Math.Max(lo, childBase);
                var childHi = Math.Min(hi, childBase + ((1UL << Shift) - 1));
                if (Shift == LeafShift)
                {
                    if (Leaves?[c] is not { } leaf)
                    {
                        ordinal = childLo;
                        return true;
                    }

                    if (leaf.TryFindFree(childLo, childHi, out ordinal))
                    {
                        return true;
                    }
                }
                else
                {
                    if (Nodes?[c] is not { } node)
                    {
                        ordinal = childLo;
                        return true;
                    }

                    if (node.TryFindFree(childLo, childHi, out ordinal))
                    {
                        return true;
                    }
                }

                candidates &= candidates - 1;
            }

            ordinal = 0;
            return false;
        }

        public ulong CountUsed(ulong lo, ulong hi)
        {
            ulong count = 0;
            var children = SlotMask(Base, Shift, lo, hi);
            while (children != 0)
            {
                var c = TrailingZeros(children);
                children &= children - 1;
                var childBase = ChildBase(c);
                var whole = lo <= childBase && hi >= childBase + ((1UL << Shift) - 1);
                var childLo = Math.Max(lo, childBase);
                var childHi = Math.Min(hi, childBase + ((1UL << Shift) - 1));
                if (Shift == LeafShift)
                {
                    if (Leaves?[c] is { } leaf)
                    {
                        count += whole ? (ulong)leaf.Used : (ulong)leaf.CountUsed(childLo, childHi);
                    }
                }
                else if (Nodes?[c] is { } node)
                {
                    count += whole ? node.Used : node.CountUsed(childLo, childHi);
                }
            }

            return count;
        }

        private ulong ChildBase(int c) => Base + ((ulong)c << Shift);
    }
}
