using Cnm.Core.Errors;
using Cnm.Core.Store;
using Cnm.Protocol;
using Cnm.Store.Etcd;

namespace Cnm.Store.Tests.Etcd;

/// <summary>The <see cref="ILeaseStore"/> of the etcd store (spec/cluster-membership.md, "Leases").</summary>
public sealed class EtcdLeaseTests(EtcdNodeFixture etcd) : IClassFixture<EtcdNodeFixture>
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task RevokeLease_KeyWrittenWithLease_KeyIsDeletedAndWatchSeesTheDelete()
    {
        await using var store = await EtcdKeyValueStore.ConnectAsync(etcd.Options(), None);
        var lease = await store.GrantLeaseAsync(TimeSpan.FromMinutes(10), None);
        var written = await store.PutWithLeaseAsync("node", new byte[] { 1 }, lease, StoreCondition.NotExists, None);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var watch = store.WatchAsync("", written, cts.Token).GetAsyncEnumerator(cts.Token);

        Assert.True(await store.KeepLeaseAliveAsync(lease, None));
        Assert.Equal(lease, await store.LeaseOfAsync("node", None));
        await store.RevokeLeaseAsync(lease, None);

        Assert.Null(await store.GetAsync("node", None));
        Assert.True(await watch.MoveNextAsync());
        Assert.Equal((WatchEventType.Delete, "node"), (watch.Current.Type, watch.Current.Key));
        Assert.False(await store.KeepLeaseAliveAsync(lease, None));
        await store.RevokeLeaseAsync(lease, None);
    }

    [Fact]
    public async Task PutWithLease_LeaseGone_IsNotFoundNamingTheLease()
    {
        await using var store = await EtcdKeyValueStore.ConnectAsync(etcd.Options(), None);
        var lease = await store.GrantLeaseAsync(TimeSpan.FromMinutes(10), None);
        await store.RevokeLeaseAsync(lease, None);

        var error = await Assert.ThrowsAsync<CnmException>(() => store.PutWithLeaseAsync("k", new byte[] { 1 }, lease, StoreCondition.Any, None));

        Assert.Equal(ErrorCategory.NotFound, error.Category);
        Assert.Contains($"lease {lease:x}", error.Message, StringComparison.Ordinal);
        Assert.Null(await store.GetAsync("k", None));
    }

    [Fact]
    public async Task PutWithLease_ConditionFails_IsConflictAndKeepsTheValue()
    {
        await using var store = await EtcdKeyValueStore.ConnectAsync(etcd.Options(), None);
        var lease = await store.GrantLeaseAsync(TimeSpan.FromMinutes(10), None);
        await store.AtomicPutAsync("k", new byte[] { 7 }, StoreCondition.NotExists, None);

        await Assert.ThrowsAsync<StoreConflictException>(() => store.PutWithLeaseAsync("k", new byte[] { 1 }, lease, StoreCondition.NotExists, None));

        Assert.Equal(new byte[] { 7 }, (await store.GetAsync("k", None))!.Value.ToArray());
        Assert.Equal(0, await store.LeaseOfAsync("k", None));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public async Task GrantLease_TtlBelowOneSecond_IsInvalidParameter(int seconds)
    {
        await using var store = await EtcdKeyValueStore.ConnectAsync(etcd.Options(), None);

        var error = await Assert.ThrowsAsync<CnmException>(() => store.GrantLeaseAsync(TimeSpan.FromSeconds(seconds), None));

        Assert.Equal(ErrorCategory.InvalidParameter, error.Category);
        Assert.Contains("lease TTL", error.Message, StringComparison.Ordinal);
    }
}
