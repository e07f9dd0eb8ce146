using Cnm.Core.Store;

namespace Cnm.Store.Tests;

/// <summary>The store contract, run against the in-memory store.</summary>
public sealed class InMemoryKeyValueStoreTests : KeyValueStoreContractTests
{
    protected override Task<IKeyValueStore> OpenStoreAsync(KeyValueStoreOptions? options = null) =>
        Task.FromResult<IKeyValueStore>(new InMemoryKeyValueStore(options));

    protected override int ActiveWatches(IKeyValueStore store) => ((InMemoryKeyValueStore)store).ActiveWatchCount;
}
