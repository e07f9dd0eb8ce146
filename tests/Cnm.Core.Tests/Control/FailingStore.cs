using Cnm.Core.Store;

namespace Cnm.Core.Tests.Control;

/// <summary>An in-memory store whose commits can be made to fail, and which counts them.</summary>
internal sealed class FailingStore : IKeyValueStore
{
    private int _commits;
    private int _recordCommits;

    public InMemoryKeyValueStore Inner { get; } = new();

    public bool FailCommits { get; set; }

    /// <summary>Fail only the commits that write networks, endpoints or sandboxes; intents and pending calls still commit.</summary>
    public bool FailRecordCommits { get; set; }

    public int Commits => Volatile.Read(ref _commits);

    /// <summary>Commits that wrote a network, endpoint or sandbox record (not only intents or pending calls).</summary>
    public int RecordCommits => Volatile.Read(ref _recordCommits);

    public Task<KeyValueEntry?> GetAsync(string key, CancellationToken cancellationToken) => Inner.GetAsync(key, cancellationToken);

    public Task<KeyValueList> ListAsync(string prefix, CancellationToken cancellationToken) => Inner.ListAsync(prefix, cancellationToken);

    public Task<long> AtomicPutAsync(string key, ReadOnlyMemory<byte> value, StoreCondition condition, CancellationToken cancellationToken) =>
        Inner.AtomicPutAsync(key, value, condition, cancellationToken);

    public Task<long> AtomicDeleteAsync(string key, StoreCondition condition, CancellationToken cancellationToken) =>
        Inner.AtomicDeleteAsync(key, condition, cancellationToken);

    public Task<long> CommitAsync(StoreTransaction transaction, CancellationToken cancellationToken)
    {
        var writesRecords = transaction.Operations.Any(o => !o.Key.StartsWith("cnm/v1/intents/", StringComparison.Ordinal)
            && !o.Key.StartsWith("cnm/v1/pending/", StringComparison.Ordinal));
        if (FailCommits || (FailRecordCommits && writesRecords))
        {
            throw new IOException("injected: disk I/O error");
        }

        Interlocked.Increment(ref _commits);
        if (writesRecords)
        {
            Interlocked.Increment(ref _recordCommits);
        }

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
