using BenchmarkDotNet.Attributes;
using Cnm.Core.Store;
using Cnm.Store.Etcd;
using Cnm.Store.Sqlite;
using Cnm.Testing;

namespace Cnm.Benchmarks;

/// <summary>
/// The key-value stores (issue 5): AtomicPut (one committed write each), Get, and a 100-key prefix
/// List, against 1,000 keys of 256 bytes. SQLite runs on a real file under /var/tmp (ext4 here, so
/// fsync is paid), with synchronous=FULL as shipped and NORMAL for comparison; in-memory as the floor.
/// etcd (issue 14) runs as a real single member and a real 3-member cluster on loopback, its data on
/// the same disk under /var/tmp (etcd fsyncs its WAL on every commit too).
/// Run in process with a short job (spec/performance.md, "Store (issue 5)"): building a separate
/// benchmark executable times out on this loaded machine.
/// </summary>
[MemoryDiagnoser]
public class StoreBenchmarks
{
    private const int Keys = 1000;
    private static readonly byte[] Value = new byte[256];

    private string _directory = null!;
    private IKeyValueStore _store = null!;
    private EtcdCluster? _etcd;
    private int _next;

    /// <summary>Which store, and for SQLite which synchronous setting, for etcd how many members.</summary>
    [Params("sqlite-full", "sqlite-normal", "memory", "etcd-1", "etcd-3")]
    public string Store { get; set; } = "sqlite-full";

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _directory = Directory.CreateDirectory(Path.Combine("/var/tmp", "cnm-store-bench-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        var path = Path.Combine(_directory, "cnm.db");
        if (Store.StartsWith("etcd-", StringComparison.Ordinal))
        {
            _etcd = await EtcdCluster.StartOnDiskAsync(_directory, Store == "etcd-3" ? 3 : 1);
        }

        _store = Store switch
        {
            "memory" => new InMemoryKeyValueStore(),
            "etcd-1" or "etcd-3" => await EtcdKeyValueStore.ConnectAsync(new EtcdStoreOptions { Endpoints = _etcd!.Endpoints }, CancellationToken.None),
            "sqlite-normal" => await SqliteKeyValueStore.OpenAsync(path, null, "NORMAL", CancellationToken.None),
            _ => await SqliteKeyValueStore.OpenAsync(path, null, CancellationToken.None),
        };
        for (var i = 0; i < Keys; i++)
        {
            await _store.AtomicPutAsync(Key(i), Value, StoreCondition.NotExists, CancellationToken.None);
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _store.DisposeAsync();
        _etcd?.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark]
    public Task<long> AtomicPut() =>
        _store.AtomicPutAsync(Key(_next++ % Keys), Value, StoreCondition.Any, CancellationToken.None);

    [Benchmark]
    public Task<KeyValueEntry?> Get() => _store.GetAsync(Key(_next++ % Keys), CancellationToken.None);

    [Benchmark]
    public Task<KeyValueList> List100() => _store.ListAsync("store/net/0" + (_next++ % 10), CancellationToken.None);

    private static string Key(int i) => "store/net/" + i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture);
}
