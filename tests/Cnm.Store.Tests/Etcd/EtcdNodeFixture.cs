using Cnm.Core.Store;
using Cnm.Store.Etcd;
using Cnm.Testing;

namespace Cnm.Store.Tests.Etcd;

/// <summary>One single-member etcd for a test class; each test opens its store under its own prefix.</summary>
public sealed class EtcdNodeFixture : IAsyncLifetime
{
    private EtcdCluster? _cluster;

    public EtcdCluster Cluster => _cluster ?? throw new InvalidOperationException("etcd is not started");

    public async Task InitializeAsync() => _cluster = await EtcdCluster.StartAsync(1);

    public Task DisposeAsync()
    {
        _cluster?.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Options for a store under a prefix of its own.</summary>
    public EtcdStoreOptions Options(KeyValueStoreOptions? store = null) => For(Cluster.Endpoints, store);

    /// <summary>Options for <paramref name="endpoints"/> under a prefix of its own, with test-friendly retry timings.</summary>
    public static EtcdStoreOptions For(string endpoints, KeyValueStoreOptions? store = null, string? prefix = null) => new()
    {
        Endpoints = endpoints,
        Prefix = prefix ?? $"/cnm-test/{Guid.NewGuid():N}/",
        Store = store ?? new KeyValueStoreOptions(),
        RequestTimeout = TimeSpan.FromSeconds(2),
        RetryBudget = TimeSpan.FromSeconds(15),
    };
}
