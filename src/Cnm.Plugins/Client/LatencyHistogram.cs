using System.Numerics;

namespace Cnm.Plugins.Client;

/// <summary>
/// A lock-free latency histogram in nanoseconds: exact count, sum and maximum, and log-linear buckets
/// (eight per power of two, so a percentile read from them is at most 12.5 % above the true value).
/// Recording is a few interlocked operations on a fixed array: no lock and no allocation.
/// </summary>
internal sealed class LatencyHistogram
{
    /// <summary>Powers of two covered; 2^43 ns is about 2.4 hours, far beyond any call timeout.</summary>
    private const int MaxOctave = 42;

    /// <summary>Values 0..15 get a bucket each, then eight buckets per octave from 2^4 to 2^MaxOctave.</summary>
    public const int BucketCount = ((MaxOctave - 2) * 8) + 8;

    private readonly long[] _buckets = new long[BucketCount];
    private long _sum;
    private long _max;

    /// <summary>Values recorded (the buckets' sum: one interlocked operation less per value).</summary>
    public long Count
    {
        get
        {
            long count = 0;
            for (var i = 0; i < BucketCount; i++)
            {
                count += Volatile.Read(ref _buckets[i]);
            }

            return count;
        }
    }

    /// <summary>Sum of the recorded values.</summary>
    public long Sum => Volatile.Read(ref _sum);

    /// <summary>The largest value recorded, 0 when none.</summary>
    public long Max => Volatile.Read(ref _max);

    /// <summary>Records one value; negative values count as 0.</summary>
    public void Record(long nanoseconds)
    {
        var value = Math.Max(0, nanoseconds);
        Interlocked.Increment(ref _buckets[IndexOf(value)]);
        Interlocked.Add(ref _sum, value);
        var seen = Volatile.Read(ref _max);
        while (value > seen)
        {
            var prior = Interlocked.CompareExchange(ref _max, value, seen);
            if (prior == seen)
            {
                break;
            }

            seen = prior;
        }
    }

    /// <summary>
    /// The value at quantile <paramref name="q"/> (0 &lt; q ≤ 1): the upper bound of the bucket holding that
    /// rank, capped at the maximum; 0 when nothing was recorded.
    /// </summary>
    public long Percentile(double q)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(q);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(q, 1.0);
        Span<long> counts = stackalloc long[BucketCount];
        long total = 0;
        for (var i = 0; i < BucketCount; i++)
        {
            counts[i] = Volatile.Read(ref _buckets[i]);
            total += counts[i];
        }

        if (total == 0)
        {
            return 0;
        }

        var rank = Math.Max(1, (long)Math.Ceiling(q * total));
        long seen = 0;
        for (var i = 0; i < BucketCount; i++)
        {
            seen += counts[i];
            if (seen >= rank)
            {
                return Math.Min(UpperBound(i), Max);
            }
        }

        return Max;
    }

    /// <summary>The bucket of a non-negative value.</summary>
    internal static int IndexOf(long value)
    {
        if (value < 16)
        {
            return (int)value;
        }

        var octave = BitOperations.Log2((ulong)value);
        if (octave > MaxOctave)
        {
            return BucketCount - 1;
        }

        return ((octave - 2) * 8) + (int)((value >> (octave - 3)) & 7);
    }

    /// <summary>The largest value that falls into bucket <paramref name="index"/>.</summary>
    internal static long UpperBound(int index)
    {
        if (index < 16)
        {
            return index;
        }

        var octave = (index / 8) + 2;
        return ((9L + (index % 8)) << (octave - 3)) - 1;
    }
}
