namespace Cnm.Core.Cluster;

/// <summary>An open intent as its owner last wrote it (the intent and the revision it was written at).</summary>
public sealed class GlobalIntentHandle
{
    internal GlobalIntentHandle(string key, GlobalIntent intent, long revision)
    {
        Key = key;
        Intent = intent;
        Revision = revision;
    }

    /// <summary>The intent's store key.</summary>
    public string Key { get; }

    /// <summary>The intent as last written.</summary>
    public GlobalIntent Intent { get; private set; }

    /// <summary>The store revision it was last written at.</summary>
    public long Revision { get; private set; }

    internal void Advance(GlobalIntent intent, long revision) => (Intent, Revision) = (intent, revision);
}
