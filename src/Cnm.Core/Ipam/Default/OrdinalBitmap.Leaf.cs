using System.Numerics;

namespace Cnm.Core.Ipam.Default;

internal sealed partial class OrdinalBitmap
{
    /// <summary>4,096 ordinals as 64 words; the last leaf of a bitmap is cut to the words it needs.</summary>
    private sealed class Leaf
    {
        private readonly ulong _base;
        private readonly ulong[] _words;
        private readonly ulong _inRangeWords;
        private ulong _fullWords;

        public Leaf(OrdinalBitmap owner, ulong baseOrdinal)
        {
            _base = baseOrdinal;
            _words = new ulong[Math.Min(64, ((owner.Last - baseOrdinal) >> 6) + 1)];
            _inRangeWords = SlotMask(baseOrdinal, 6, owner.First, owner.Last);
        }

        public int Used { get; private set; }

        public bool Contains(ulong ordinal)
        {
            var offset = ordinal - _base;
            return (_words[(int)(offset >> 6)] & (1UL << (int)(offset & 63))) != 0;
        }

        public bool Set(OrdinalBitmap owner, ulong ordinal, out bool full)
        {
            var offset = ordinal - _base;
            var w = (int)(offset >> 6);
            var bit = 1UL << (int)(offset & 63);
            ref var word = ref _words[w];
            if ((word & bit) != 0)
            {
                full = false;
                return false;
            }

            word |= bit;
            Used++;
            var inRange = SlotMask(_base + ((ulong)w << 6), 0, owner.First, owner.Last);
            if ((word & inRange) == inRange)
            {
                _fullWords |= 1UL << w;
            }

            full = (_fullWords & _inRangeWords) == _inRangeWords;
            return true;
        }

        public bool Clear(ulong ordinal, out bool empty)
        {
            var offset = ordinal - _base;
            var w = (int)(offset >> 6);
            var bit = 1UL << (int)(offset & 63);
            ref var word = ref _words[w];
            if ((word & bit) == 0)
            {
                empty = false;
                return false;
            }

            word &= ~bit;
            Used--;
            _fullWords &= ~(1UL << w);
            empty = Used == 0;
            return true;
        }

        public bool TryFindFree(ulong lo, ulong hi, out ulong ordinal)
        {
            var candidates = ~_fullWords & SlotMask(_base, 6, lo, hi);
            while (candidates != 0)
            {
                var w = TrailingZeros(candidates);
                var wordBase = _base + ((ulong)w << 6);
                var free = ~_words[w] & SlotMask(wordBase, 0, lo, hi);
                if (free != 0)
                {
                    ordinal = wordBase + (ulong)TrailingZeros(free);
                    return true;
                }

                candidates &= candidates - 1;
            }

            ordinal = 0;
            return false;
        }

        public int CountUsed(ulong lo, ulong hi)
        {
            var count = 0;
            var words = SlotMask(_base, 6, lo, hi);
            while (words != 0)
            {
                var w = TrailingZeros(words);
                count += BitOperations.PopCount(_words[w] & SlotMask(_base + ((ulong)w << 6), 0, lo, hi));
                words &= words - 1;
            }

            return count;
        }
    }
}
