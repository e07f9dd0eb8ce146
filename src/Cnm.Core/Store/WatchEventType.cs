namespace Cnm.Core.Store;

/// <summary>What a watch event reports.</summary>
public enum WatchEventType
{
    /// <summary>The key was created or overwritten.</summary>
    Put,

    /// <summary>The key was deleted.</summary>
    Delete,
}
