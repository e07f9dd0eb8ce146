namespace Cnm.Core.Store;

/// <summary>One change seen by a watch. All changes of one transaction share a revision.</summary>
/// <param name="Type">Put or delete.</param>
/// <param name="Entry">For a put, the key as written; for a delete, the key with the delete's revision and no value.</param>
public sealed record WatchEvent(WatchEventType Type, KeyValueEntry Entry)
{
    /// <summary>The store revision of the change.</summary>
    public long Revision => Entry.ModRevision;

    /// <summary>The key that changed.</summary>
    public string Key => Entry.Key;
}
