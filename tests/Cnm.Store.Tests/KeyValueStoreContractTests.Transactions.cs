using Cnm.Core.Errors;
using Cnm.Core.Store;
using Cnm.Protocol;

namespace Cnm.Store.Tests;

/// <summary>Transactions: all comparisons hold and every write lands under one revision, or nothing lands.</summary>
public abstract partial class KeyValueStoreContractTests
{
    [Fact]
    public async Task Commit_AllComparesHold_AppliesEveryWriteUnderOneRevision()
    {
        await using var store = await OpenAsync();
        var a = await store.AtomicPutAsync("obj/a", Bytes("a1"), StoreCondition.Any, None);
        await store.AtomicPutAsync("obj/c", Bytes("c1"), StoreCondition.Any, None);

        var revision = await store.CommitAsync(
            new StoreTransaction()
                .If("obj/a", StoreCondition.ModRevisionIs(a))
                .If("intent/1", StoreCondition.NotExists)
                .Put("intent/1", Bytes("create b"))
                .Put("obj/a", Bytes("a2"))
                .Put("obj/b", Bytes("b1"))
                .Delete("obj/c"),
            None);

        Assert.Equal(R(3), revision);
        var list = await store.ListAsync("", None);
        Assert.Equal(R(3), list.Revision);
        Assert.Equal(["intent/1", "obj/a", "obj/b"], list.Entries.Select(e => e.Key));
        Assert.All(list.Entries, e => Assert.Equal(R(3), e.ModRevision));
        Assert.Equal("a2", Text(list.Entries[1]));
        Assert.Equal(2, list.Entries[1].Version);
    }

    [Fact]
    public async Task Commit_OneCompareFails_NothingIsWritten()
    {
        await using var store = await OpenAsync();
        var a = await store.AtomicPutAsync("obj/a", Bytes("a1"), StoreCondition.Any, None);
        await store.AtomicPutAsync("obj/b", Bytes("b1"), StoreCondition.Any, None);
        var before = await store.ListAsync("", None);

        var error = await Assert.ThrowsAsync<StoreConflictException>(() => store.CommitAsync(
            new StoreTransaction()
                .If("obj/a", StoreCondition.ModRevisionIs(a))
                .If("obj/b", StoreCondition.NotExists)
                .Put("obj/a", Bytes("a2"))
                .Put("obj/new", Bytes("n"))
                .Delete("obj/b"),
            None));

        Assert.Equal("obj/b", error.Key);
        var after = await store.ListAsync("", None);
        Assert.Equal(before.Revision, after.Revision);
        Assert.Equal(before.Entries.Select(e => (e.Key, Text(e), e.ModRevision)), after.Entries.Select(e => (e.Key, Text(e), e.ModRevision)));
    }

    [Fact]
    public async Task Commit_DeleteOfMissingKeyOnly_WritesNothingAndKeepsRevision()
    {
        await using var store = await OpenAsync();
        await store.AtomicPutAsync("x", Bytes("1"), StoreCondition.Any, None);

        var revision = await store.CommitAsync(new StoreTransaction().Delete("missing"), None);
        var next = await store.AtomicPutAsync("y", Bytes("1"), StoreCondition.Any, None);

        Assert.Equal(R(1), revision);
        Assert.Equal(R(2), next);
    }

    [Fact]
    public async Task Writes_CancelledBeforeStart_ThrowAndWriteNothing()
    {
        await using var store = await OpenAsync();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.AtomicPutAsync("k", Bytes("1"), StoreCondition.Any, cts.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.CommitAsync(new StoreTransaction().Put("k", Bytes("1")), cts.Token));

        Assert.Null(await store.GetAsync("k", None));
        Assert.Equal(R(0), (await store.ListAsync("", None)).Revision);
    }

    [Fact]
    public void Transaction_SameKeyWrittenTwice_RejectedNamingKey()
    {
        var transaction = new StoreTransaction().Put("k", Bytes("1"));

        var error = Assert.Throws<CnmException>(() => transaction.Delete("k"));

        Assert.Equal(ErrorCategory.InvalidParameter, error.Category);
        Assert.Contains("\"k\" twice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Commit_ConcurrentIntentRecords_ExactlyOneOwnerPerName()
    {
        await using var store = await OpenAsync();

        // Ten writers race to create the same network name through an intent plus a name claim.
        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(() => TryAsync(() => store.CommitAsync(
            new StoreTransaction()
                .If("names/web", StoreCondition.NotExists)
                .Put("names/web", Bytes("net-" + i))
                .Put("intents/net-" + i, Bytes("create")),
            None)))));

        Assert.Single(results, r => r);
        var owner = Text(await store.GetAsync("names/web", None));
        var intents = await store.ListAsync("intents/", None);
        Assert.Equal(["intents/" + owner], intents.Entries.Select(e => e.Key));
    }
}
