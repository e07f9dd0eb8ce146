namespace Cnm.Core.Store;

/// <summary>Limits shared by every <see cref="IKeyValueStore"/> implementation.</summary>
public sealed class KeyValueStoreOptions
{
    /// <summary>
    /// Events a watcher may have pending before its watch fails with "watch fell behind, re-list".
    /// Writers never wait for watchers.
    /// </summary>
    public int WatchBufferCapacity { get; set; } = 4096;

    /// <summary>Recent events kept in memory so that a watch can start from a past revision.</summary>
    public int HistoryLimit { get; set; } = 10_000;

    /// <summary>Throws when an option is out of range.</summary>
    public void Validate()
    {
        if (WatchBufferCapacity < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(WatchBufferCapacity), WatchBufferCapacity, "the watch buffer holds at least one event");
        }

        if (HistoryLimit < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(HistoryLimit), HistoryLimit, "the history limit cannot be negative");
        }
    }
}
