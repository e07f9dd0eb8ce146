using Cnm.Plugins.Client;

namespace Cnm.Plugins.Tests.Client.Telemetry;

public sealed class LatencyHistogramTests
{
    [Fact]
    public void Buckets_CoverEveryValueInOrder_WithinOneEighthAboveIt()
    {
        var previous = -1;
        foreach (var value in new long[] { 0, 1, 7, 15, 16, 17, 18, 31, 32, 100, 999, 1_000, 123_456, 1_000_000, 59_999_999_999, long.MaxValue / 4 })
        {
            var index = LatencyHistogram.IndexOf(value);
            Assert.InRange(index, Math.Max(previous, 0), LatencyHistogram.BucketCount - 1);
            previous = index;
            if (index < LatencyHistogram.BucketCount - 1)
            {
                var upper = LatencyHistogram.UpperBound(index);
                Assert.True(upper >= value, $"value {value} above its bucket's bound {upper}");
                Assert.True(upper <= value + (value / 8) + 1, $"bound {upper} of value {value} more than 1/8 too high");
                Assert.Equal(index + 1, LatencyHistogram.IndexOf(upper + 1));
            }
        }
    }

    [Fact]
    public void Percentiles_OfAKnownSpread_AreWithinTheBucketError()
    {
        var histogram = new LatencyHistogram();
        for (var ms = 1; ms <= 100; ms++)
        {
            histogram.Record(ms * 1_000_000L);
        }

        Assert.Equal(100, histogram.Count);
        Assert.Equal(5050 * 1_000_000L, histogram.Sum);
        Assert.Equal(100_000_000, histogram.Max);
        Assert.InRange(histogram.Percentile(0.5), 50_000_000, 56_250_000);
        Assert.InRange(histogram.Percentile(0.99), 99_000_000, 100_000_000);
        Assert.Equal(100_000_000, histogram.Percentile(1.0));
        Assert.Equal(0, new LatencyHistogram().Percentile(0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => histogram.Percentile(0));
    }

    [Fact]
    public void Record_FromManyThreads_LosesNothing()
    {
        var histogram = new LatencyHistogram();
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, worker =>
        {
            for (var i = 1; i <= 20_000; i++)
            {
                histogram.Record(i + worker);
            }
        });

        Assert.Equal(80_000, histogram.Count);
        Assert.Equal((4 * (20_000L * 20_001 / 2)) + (20_000L * (0 + 1 + 2 + 3)), histogram.Sum);
        Assert.Equal(20_003, histogram.Max);
        Assert.Equal(20_003, histogram.Percentile(1.0));
    }
}
