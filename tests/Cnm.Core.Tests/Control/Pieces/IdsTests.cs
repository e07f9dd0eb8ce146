using Cnm.Core.Control;

namespace Cnm.Core.Tests.Control.Pieces;

/// <summary>
/// <see cref="Ids.New"/> draws its random bytes from a per-thread buffer filled 32 ids at a time: the ids must still be
/// 64 lower-case hex digits, never repeat (across buffer refills and across threads), and never start with 12 digits.
/// </summary>
public sealed class IdsTests
{
    [Fact]
    public async Task New_ManyIdsOnSeveralThreads_AllDistinctWellFormedAndNotNumericLooking()
    {
        const int perThread = 2000; // 62 refills of each thread's buffer
        var batches = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Factory.StartNew(
            () => Enumerable.Range(0, perThread).Select(_ => Ids.New()).ToList(), TaskCreationOptions.LongRunning)));

        var all = batches.SelectMany(b => b).ToList();
        Assert.Equal(4 * perThread, all.Distinct(StringComparer.Ordinal).Count());
        Assert.All(all, id =>
        {
            Assert.Matches("^[0-9a-f]{64}$", id);
            Assert.Contains(id[..12], c => c is >= 'a' and <= 'f');
        });
    }

    [Fact]
    public void New_ConsecutiveIds_ShareNoBytes()
    {
        // Every buffered byte is used once: two ids in a row must not overlap (a slice taken twice would repeat a half).
        var ids = Enumerable.Range(0, 100).Select(_ => Ids.New()).ToList();
        for (var i = 1; i < ids.Count; i++)
        {
            Assert.NotEqual(ids[i - 1][32..], ids[i][32..]);
            Assert.NotEqual(ids[i - 1][..32], ids[i][32..]);
        }
    }
}
