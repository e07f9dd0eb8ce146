using Cnm.Core.Ipam.Default;
using CsCheck;

namespace Cnm.Core.Tests.Ipam.Default;

public sealed class OrdinalBitmapTests
{
    [Fact]
    public void TryFindFree_EmptyBitmap_ReturnsLowOfRange()
    {
        var bitmap = new OrdinalBitmap(1, (1UL << 24) - 2);

        Assert.True(bitmap.TryFindFree(1, bitmap.Last, out var first));
        Assert.True(bitmap.TryFindFree(70_000, 80_000, out var inside));

        Assert.Equal(1UL, first);
        Assert.Equal(70_000UL, inside);
        Assert.Equal(0UL, bitmap.Used);
    }

    [Fact]
    public void SetAndClear_AcrossLeafBoundaries_TrackMembershipAndCount()
    {
        var bitmap = new OrdinalBitmap(1, 20_000);
        ulong[] ordinals = [1, 63, 64, 4095, 4096, 4097, 8191, 12_288, 20_000];

        foreach (var o in ordinals)
        {
            Assert.True(bitmap.Set(o));
            Assert.False(bitmap.Set(o));
        }

        Assert.All(ordinals, o => Assert.True(bitmap.Contains(o)));
        Assert.False(bitmap.Contains(2));
        Assert.Equal((ulong)ordinals.Length, bitmap.Used);
        Assert.Equal(4UL, bitmap.CountUsed(4000, 8191));
        Assert.True(bitmap.Clear(4096));
        Assert.False(bitmap.Clear(4096));
        Assert.False(bitmap.Clear(5));
        Assert.Equal(3UL, bitmap.CountUsed(4000, 8191));
    }

    [Fact]
    public void TryFindFree_FullRange_FailsAndFindsAReleasedHole()
    {
        var bitmap = new OrdinalBitmap(1, 10_000);
        for (ulong o = 1; o <= 10_000; o++)
        {
            Assert.True(bitmap.TryFindFree(1, 10_000, out var free));
            Assert.Equal(o, free);
            bitmap.Set(free);
        }

        Assert.False(bitmap.TryFindFree(1, 10_000, out _));
        bitmap.Clear(7_777);

        Assert.True(bitmap.TryFindFree(1, 10_000, out var hole));
        Assert.Equal(7_777UL, hole);
        Assert.False(bitmap.TryFindFree(7_778, 10_000, out _));
    }

    [Fact]
    public void SetAndFind_HugeRange_WorksAtTheTop()
    {
        var bitmap = new OrdinalBitmap(1, ulong.MaxValue - 1);

        Assert.True(bitmap.Set(ulong.MaxValue - 1));
        Assert.True(bitmap.Set(ulong.MaxValue - 2));

        Assert.True(bitmap.TryFindFree(ulong.MaxValue - 2, ulong.MaxValue - 1, out var none) == false, $"found {none}");
        Assert.True(bitmap.TryFindFree(ulong.MaxValue - 5, ulong.MaxValue - 1, out var free));
        Assert.Equal(ulong.MaxValue - 5, free);
        Assert.Equal(2UL, bitmap.CountUsed(1UL << 63, ulong.MaxValue - 1));
        Assert.True(bitmap.Clear(ulong.MaxValue - 1));
        Assert.Equal(1UL, bitmap.Used);
    }

    [Fact]
    public void Operations_RandomAgainstModel_Agree()
    {
        // Bitmaps of one leaf up to a few leaves; allocating the first free ordinal of a window is
        // the most frequent step, so full words and full leaves really happen.
        var step = Gen.Select(Gen.Int[0, 5], Gen.UInt[0, 1_000_000], Gen.UInt[0, 1_000_000]);
        var gen = Gen.Select(Gen.UInt[60, 13_000], step.Array[1, 1_500]);

        gen.Sample(
            (last, steps) =>
            {
                var bitmap = new OrdinalBitmap(1, last);
                var model = new SortedSet<ulong>();
                foreach (var (kind, x, y) in steps)
                {
                    var a = 1 + (x * (ulong)last / 1_000_001);
                    var lo = a;
                    var hi = Math.Min(last, lo + (y % 5_000));
                    switch (kind)
                    {
                        case 0:
                            Assert.Equal(model.Add(a), bitmap.Set(a));
                            break;
                        case 1:
                            Assert.Equal(model.Remove(a), bitmap.Clear(a));
                            break;
                        case 2:
                            Assert.Equal((ulong)model.GetViewBetween(lo, hi).Count, bitmap.CountUsed(lo, hi));
                            Assert.Equal(model.Contains(a), bitmap.Contains(a));
                            break;
                        default:
                            var expected = FirstFree(model, lo, hi);
                            Assert.Equal(expected.HasValue, bitmap.TryFindFree(lo, hi, out var found));
                            if (expected is { } free)
                            {
                                Assert.Equal(free, found);
                                Assert.True(bitmap.Set(found));
                                model.Add(found);
                            }

                            break;
                    }

                    Assert.Equal((ulong)model.Count, bitmap.Used);
                }
            },
            iter: 200);
    }

    private static ulong? FirstFree(SortedSet<ulong> model, ulong lo, ulong hi)
    {
        for (var o = lo; o <= hi; o++)
        {
            if (!model.Contains(o))
            {
                return o;
            }
        }

        return null;
    }
}
