using Cnm.Store.Etcd;
using Cnm.Store.Tests.Etcd;

namespace Cnm.Store.Tests.Cluster;

/// <summary>
/// One test's own key prefix on the shared etcd, and what the test started on it (stores, memberships, controllers),
/// disposed in reverse order at the end.
/// </summary>
internal sealed class EtcdScratch(EtcdNodeFixture etcd) : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _cleanup = [];

    /// <summary>The test's key prefix: nothing of another test is under it.</summary>
    public string Prefix { get; } = $"/cnm-test/{Guid.NewGuid():N}/";

    /// <summary>Disposes <paramref name="item"/> with the rest at the end, and returns it.</summary>
    public T Add<T>(T item) where T : IAsyncDisposable
    {
        _cleanup.Add(item);
        return item;
    }

    /// <summary>A store on the test's prefix, disposed at the end.</summary>
    public async Task<EtcdKeyValueStore> ConnectAsync() =>
        Add(await EtcdKeyValueStore.ConnectAsync(EtcdNodeFixture.For(etcd.Cluster.Endpoints, prefix: Prefix), CancellationToken.None));

    public async ValueTask DisposeAsync()
    {
        for (var i = _cleanup.Count - 1; i >= 0; i--)
        {
            await _cleanup[i].DisposeAsync();
        }
    }
}
