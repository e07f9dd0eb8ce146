using Cnm.Core.Store;
using Cnm.Store.Sqlite;

namespace Cnm.Store.Tests;

/// <summary>The store contract, run against the SQLite store on a file in a temp directory.</summary>
public sealed class SqliteKeyValueStoreContractTests : KeyValueStoreContractTests, IDisposable
{
    private readonly StoreDirectory _directory = new();

    protected override async Task<IKeyValueStore> OpenStoreAsync(KeyValueStoreOptions? options = null) =>
        await SqliteKeyValueStore.OpenAsync(_directory.StateFile, options, CancellationToken.None);

    protected override int ActiveWatches(IKeyValueStore store) => ((SqliteKeyValueStore)store).ActiveWatchCount;

    public void Dispose() => _directory.Dispose();
}
