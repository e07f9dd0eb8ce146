using Cnm.Core.Store;

namespace Cnm.Core.Tests.Control;

/// <summary>An in-memory store whose commits can be made to fail, and which counts them.</summary>
internal sealed class FailingStore : IKeyValueStore
{
    private int _commits;

    public InMemoryKeyValueStore Inner { get; } = new();

    public bool FailCommits { get; set; }

    public int Commits => Volatile.Read(ref _commits);

    public Task<KeyValueEntry?> GetAsync(string key, CancellationToken cancellationToken) => Inner.GetAsync(key, cancellationToken);

    public Task<KeyValueList> ListAsync(string prefix, CancellationToken cancellationToken) => Inner.ListAsync(prefix, cancellationToken);

    public Task<long> AtomicPutAsync(string key, ReadOnlyMemory<byte> value, StoreCondition condition, CancellationToken cancellationToken) =>
        Inner.AtomicPutAsync(key, value, condition, cancellationToken);

    public Task<long> AtomicDeleteAsync(string key, StoreCondition condition, CancellationToken cancellationToken) =>
        Inner.AtomicDeleteAsync(key, condition, cancellationToken);

    public Task<long> CommitAsync(StoreTransaction transaction, CancellationToken cancellationToken)
    {
        if (FailCommits)
        {
            throw new IOException("injected: disk I/O error");
        }

        Interlocked.Increment(ref _commits);
        return Inner.CommitAsync(transaction, cancellationToken);
    }

    public IAsyncEnumerable<WatchEvent> WatchAsync(string prefix, long afterRevision, CancellationToken cancellationToken) =>
        Inner.WatchAsync(prefix, afterRevision, cancellationToken);

    public ValueTask DisposeAsync() => Inner.DisposeAsync();

    /// <summary>Every key and value under cnm/v1/, as text.</summary>
    public async Task<string> DumpAsync()
    {
        var list = await Inner.ListAsync("cnm/v1/", CancellationToken.None);
        return string.Join('\n', list.Entries.Select(e => $"{e.Key}={System.Text.Encoding.UTF8.GetString(e.Value.Span)}"));
    }
}
