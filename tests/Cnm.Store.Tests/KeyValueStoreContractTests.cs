using System.Text;
using Cnm.Core.Errors;
using Cnm.Core.Store;
using Cnm.Protocol;

namespace Cnm.Store.Tests;

/// <summary>
/// The <see cref="IKeyValueStore"/> contract (spec/store.md). Every store implementation derives one
/// class from this and runs all of it.
/// </summary>
public abstract partial class KeyValueStoreContractTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    /// <summary>
    /// The store revision when the test opened its store. Revisions are asserted relative to it: a
    /// fresh embedded store starts at 0, an etcd store at etcd's revision (spec/store.md, "etcd").
    /// </summary>
    protected long Base { get; private set; }

    /// <summary>The revision <paramref name="writes"/> writes after the test's start.</summary>
    protected long R(long writes) => Base + writes;

    /// <summary>Opens a store that nothing else writes to during the test.</summary>
    protected abstract Task<IKeyValueStore> OpenStoreAsync(KeyValueStoreOptions? options = null);

    /// <summary>
    /// Makes the store forget the changes up to <paramref name="revision"/>. The embedded stores did so
    /// already through <see cref="KeyValueStoreOptions.HistoryLimit"/>; etcd compacts.
    /// </summary>
    protected virtual Task ForgetHistoryAsync(IKeyValueStore store, long revision) => Task.CompletedTask;

    protected async Task<IKeyValueStore> OpenAsync(KeyValueStoreOptions? options = null)
    {
        var store = await OpenStoreAsync(options);
        Base = (await store.ListAsync("", None)).Revision;
        return store;
    }

    protected abstract int ActiveWatches(IKeyValueStore store);

    protected static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    protected static string Text(KeyValueEntry? entry) => Encoding.UTF8.GetString(entry!.Value.Span);

    [Fact]
    public async Task Get_MissingKey_ReturnsNull()
    {
        await using var store = await OpenAsync();

        Assert.Null(await store.GetAsync("nope", None));
    }

    [Fact]
    public async Task Put_EmptyValue_IsKeptEmpty_InAPutAndInATransaction()
    {
        await using var store = await OpenAsync();

        await store.AtomicPutAsync("net/empty", Array.Empty<byte>(), StoreCondition.NotExists, None);
        await store.CommitAsync(new StoreTransaction().Put("net/also-empty", ReadOnlyMemory<byte>.Empty).Put("net/full", Bytes("x")), None);

        var list = await store.ListAsync("net/", None);
        Assert.Equal([("net/also-empty", 0), ("net/empty", 0), ("net/full", 1)], list.Entries.Select(e => (e.Key, e.Value.Length)));
        Assert.Equal(0, (await store.GetAsync("net/empty", None))!.Value.Length);
    }

    [Fact]
    public async Task AtomicPut_NewThenOverwrite_TracksCreateModAndVersion()
    {
        await using var store = await OpenAsync();

        var first = await store.AtomicPutAsync("net/a", Bytes("one"), StoreCondition.NotExists, None);
        await store.AtomicPutAsync("net/b", Bytes("x"), StoreCondition.Any, None);
        var third = await store.AtomicPutAsync("net/a", Bytes("two"), StoreCondition.ModRevisionIs(first), None);

        Assert.Equal(R(1), first);
        Assert.Equal(R(3), third);
        var entry = await store.GetAsync("net/a", None);
        Assert.Equal(new KeyValueEntry("net/a", entry!.Value, R(1), R(3), 2), entry);
        Assert.Equal("two", Text(entry));
    }

    [Fact]
    public async Task AtomicPut_NotExistsOnExistingKey_ConflictNamesKeyAndChangesNothing()
    {
        await using var store = await OpenAsync();
        await store.AtomicPutAsync("net/a", Bytes("one"), StoreCondition.NotExists, None);

        var error = await Assert.ThrowsAsync<StoreConflictException>(() => store.AtomicPutAsync("net/a", Bytes("two"), StoreCondition.NotExists, None));

        Assert.Equal(ErrorCategory.Conflict, error.Category);
        Assert.Equal("net/a", error.Key);
        Assert.Contains("\"net/a\"", error.Message, StringComparison.Ordinal);
        Assert.Contains($"expected key absent, found mod revision {R(1)}, version 1", error.Message, StringComparison.Ordinal);
        Assert.Equal("one", Text(await store.GetAsync("net/a", None)));
        Assert.Equal(R(1), (await store.ListAsync("", None)).Revision);
    }

    [Fact]
    public async Task AtomicPut_StaleModRevision_ConflictReportsExpectedAndActual()
    {
        await using var store = await OpenAsync();
        var created = await store.AtomicPutAsync("k", Bytes("1"), StoreCondition.NotExists, None);
        await store.AtomicPutAsync("k", Bytes("2"), StoreCondition.ModRevisionIs(created), None);

        var error = await Assert.ThrowsAsync<StoreConflictException>(() => store.AtomicPutAsync("k", Bytes("3"), StoreCondition.ModRevisionIs(created), None));

        Assert.Equal($"mod revision {R(1)}", error.Expected);
        Assert.Equal($"mod revision {R(2)}, version 2", error.Actual);
        Assert.Equal("2", Text(await store.GetAsync("k", None)));
    }

    [Fact]
    public async Task AtomicPut_VersionCondition_HoldsOnlyForCurrentVersion()
    {
        await using var store = await OpenAsync();
        await store.AtomicPutAsync("k", Bytes("1"), StoreCondition.Any, None);
        await store.AtomicPutAsync("k", Bytes("2"), StoreCondition.VersionIs(1), None);

        var error = await Assert.ThrowsAsync<StoreConflictException>(() => store.AtomicPutAsync("k", Bytes("3"), StoreCondition.VersionIs(1), None));
        var revision = await store.AtomicPutAsync("k", Bytes("3"), StoreCondition.VersionIs(2), None);

        Assert.Equal("version 1", error.Expected);
        Assert.Equal(R(3), revision);
        Assert.Equal(3, (await store.GetAsync("k", None))!.Version);
    }

    [Fact]
    public async Task AtomicPut_ConditionOnMissingKey_Conflict()
    {
        await using var store = await OpenAsync();

        var byRevision = await Assert.ThrowsAsync<StoreConflictException>(() => store.AtomicPutAsync("k", Bytes("1"), StoreCondition.ModRevisionIs(1), None));
        var byExists = await Assert.ThrowsAsync<StoreConflictException>(() => store.AtomicPutAsync("k", Bytes("1"), StoreCondition.Exists, None));

        Assert.Equal("key absent", byRevision.Actual);
        Assert.Equal("key present", byExists.Expected);
        Assert.Null(await store.GetAsync("k", None));
    }

    [Fact]
    public async Task AtomicDelete_CompareAndDelete_OnlyWithCurrentRevision()
    {
        await using var store = await OpenAsync();
        var created = await store.AtomicPutAsync("k", Bytes("1"), StoreCondition.NotExists, None);
        var updated = await store.AtomicPutAsync("k", Bytes("2"), StoreCondition.Any, None);

        await Assert.ThrowsAsync<StoreConflictException>(() => store.AtomicDeleteAsync("k", StoreCondition.ModRevisionIs(created), None));
        Assert.NotNull(await store.GetAsync("k", None));
        var deleted = await store.AtomicDeleteAsync("k", StoreCondition.ModRevisionIs(updated), None);
        var recreated = await store.AtomicPutAsync("k", Bytes("3"), StoreCondition.NotExists, None);

        Assert.Equal(R(3), deleted);
        var entry = await store.GetAsync("k", None);
        Assert.Equal((recreated, recreated, 1L), (entry!.CreateRevision, entry.ModRevision, entry.Version));
    }

    [Fact]
    public async Task AtomicDelete_MissingKey_NotFoundNamingKey()
    {
        await using var store = await OpenAsync();

        var error = await Assert.ThrowsAsync<CnmException>(() => store.AtomicDeleteAsync("gone", StoreCondition.Any, None));

        Assert.Equal(ErrorCategory.NotFound, error.Category);
        Assert.Contains("\"gone\"", error.Message, StringComparison.Ordinal);
        Assert.Equal(R(0), (await store.ListAsync("", None)).Revision);
    }

    [Fact]
    public async Task Revision_EveryWriteBumpsItByOne_DeletesIncluded()
    {
        await using var store = await OpenAsync();

        var revisions = new List<long>
        {
            await store.AtomicPutAsync("a", Bytes("1"), StoreCondition.Any, None),
            await store.AtomicPutAsync("a", Bytes("2"), StoreCondition.Any, None),
            await store.AtomicDeleteAsync("a", StoreCondition.Any, None),
            await store.AtomicPutAsync("b", Bytes("1"), StoreCondition.Any, None),
        };

        Assert.Equal([R(1), R(2), R(3), R(4)], revisions);
        Assert.Equal(R(4), (await store.ListAsync("", None)).Revision);
    }

    [Theory]
    [InlineData("empty")]
    [InlineData("nul")]
    [InlineData("lone surrogate")]
    public async Task InvalidKey_RejectedClearly_NothingWritten(string kind)
    {
        // Built here: xunit would replace a lone surrogate in InlineData when it serialises the case.
        var key = kind switch { "empty" => "", "nul" => "a\0b", _ => "bad" + (char)0xD800 };
        await using var store = await OpenAsync();

        var put = await Assert.ThrowsAsync<CnmException>(() => store.AtomicPutAsync(key, Bytes("v"), StoreCondition.Any, None));
        var get = await Assert.ThrowsAsync<CnmException>(() => store.GetAsync(key, None));

        Assert.Equal(ErrorCategory.InvalidParameter, put.Category);
        Assert.Equal(ErrorCategory.InvalidParameter, get.Category);
        Assert.Contains("store key", put.Message, StringComparison.Ordinal);
        Assert.Equal(R(0), (await store.ListAsync("", None)).Revision);
    }

    [Fact]
    public async Task Values_EmptyAndBinary_RoundTripAndAreCopiedOnWrite()
    {
        await using var store = await OpenAsync();
        var binary = new byte[] { 0, 255, 1, 0, 128 };

        await store.AtomicPutAsync("empty", ReadOnlyMemory<byte>.Empty, StoreCondition.Any, None);
        await store.AtomicPutAsync("binary", binary, StoreCondition.Any, None);
        binary[0] = 42;

        Assert.Equal(0, (await store.GetAsync("empty", None))!.Value.Length);
        Assert.Equal(new byte[] { 0, 255, 1, 0, 128 }, (await store.GetAsync("binary", None))!.Value.ToArray());
    }

    [Fact]
    public async Task List_Prefix_OrderedByCodePointWithExactBoundaries()
    {
        await using var store = await OpenAsync();
        string[] keys = ["a", "a/", "a/b", "a/b/c", "a/c", "a0", "a/%", "a/_x", "a/\uE000", "a/\U0001F600", "b", "A/b"];
        foreach (var key in keys)
        {
            await store.AtomicPutAsync(key, Bytes(key), StoreCondition.Any, None);
        }

        var underA = await store.ListAsync("a/", None);
        var underAb = await store.ListAsync("a/b", None);
        var literalPercent = await store.ListAsync("a/%", None);

        Assert.Equal(["a/", "a/%", "a/_x", "a/b", "a/b/c", "a/c", "a/\uE000", "a/\U0001F600"], underA.Entries.Select(e => e.Key));
        Assert.Equal(["a/b", "a/b/c"], underAb.Entries.Select(e => e.Key));
        Assert.Equal(["a/%"], literalPercent.Entries.Select(e => e.Key));
        Assert.Empty((await store.ListAsync("zzz", None)).Entries);
        Assert.Equal(keys.Order(StoreKeys.Comparer), (await store.ListAsync("", None)).Entries.Select(e => e.Key));
        Assert.All(underA.Entries, e => Assert.Equal(e.Key, Text(e)));
        Assert.Equal(R(keys.Length), underA.Revision);
    }

    [Fact]
    public async Task ConcurrentCreate_ManyTasks_ExactlyOneWins()
    {
        await using var store = await OpenAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 32).Select(i => Task.Run(() => TryAsync(
            () => store.AtomicPutAsync("lock", Bytes("owner " + i), StoreCondition.NotExists, None)))));

        Assert.Single(results, r => r);
        Assert.Equal(1, (await store.GetAsync("lock", None))!.Version);
    }

    [Fact]
    public async Task ConcurrentCas_ManyTasksOnSameRevision_ExactlyOneWins()
    {
        await using var store = await OpenAsync();
        var created = await store.AtomicPutAsync("pool", Bytes("0"), StoreCondition.NotExists, None);

        var results = await Task.WhenAll(Enumerable.Range(0, 32).Select(i => Task.Run(() => TryAsync(
            () => store.AtomicPutAsync("pool", Bytes("taken by " + i), StoreCondition.ModRevisionIs(created), None)))));

        Assert.Single(results, r => r);
        Assert.Equal(2, (await store.GetAsync("pool", None))!.Version);
    }

    [Fact]
    public async Task ConcurrentIncrements_ReadCasRetry_LoseNoUpdate()
    {
        await using var store = await OpenAsync();
        await store.AtomicPutAsync("counter", Bytes("0"), StoreCondition.NotExists, None);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            for (var done = 0; done < 25;)
            {
                var current = await store.GetAsync("counter", None);
                var next = int.Parse(Text(current), System.Globalization.CultureInfo.InvariantCulture) + 1;
                if (await TryAsync(() => store.AtomicPutAsync("counter", Bytes(next.ToString(System.Globalization.CultureInfo.InvariantCulture)), StoreCondition.ModRevisionIs(current!.ModRevision), None)))
                {
                    done++;
                }
            }
        })));

        var counter = await store.GetAsync("counter", None);
        Assert.Equal("200", Text(counter));
        Assert.Equal(201, counter!.Version);
    }

    protected static async Task<bool> TryAsync(Func<Task<long>> write)
    {
        try
        {
            await write();
            return true;
        }
        catch (StoreConflictException)
        {
            return false;
        }
    }
}
