using Cnm.Core.Store;
using Cnm.Store.Etcd;

namespace Cnm.Store.Tests.Etcd;

/// <summary>
/// The store contract, run against a real single-member etcd (Debian's etcd-server), each test
/// under its own key prefix. Nothing else writes to that etcd during a test, so revisions advance
/// exactly as in the embedded stores.
/// </summary>
public sealed class EtcdKeyValueStoreContractTests(EtcdNodeFixture etcd) : KeyValueStoreContractTests, IClassFixture<EtcdNodeFixture>
{
    protected override async Task<IKeyValueStore> OpenStoreAsync(KeyValueStoreOptions? options = null) =>
        await EtcdKeyValueStore.ConnectAsync(etcd.Options(options), CancellationToken.None);

    protected override int ActiveWatches(IKeyValueStore store) => ((EtcdKeyValueStore)store).ActiveWatchCount;

    protected override Task ForgetHistoryAsync(IKeyValueStore store, long revision) => ((EtcdKeyValueStore)store).CompactAsync(revision);
}
