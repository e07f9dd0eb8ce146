namespace Cnm.Core;

/// <summary>
/// Event ids of Cnm.Core log messages, in one place. Existing ids must not be reused or repurposed.
/// </summary>
internal static class EventIds
{
    /// <summary>The controller's range is 2000-2099; each id is its offset in it.</summary>
    private const int Controller = 2000;

    public const int ModuleFailed = Controller + 0;
    public const int CleanupFailed = Controller + 1;
    public const int UndoFailed = Controller + 2;
    public const int NetworkCreated = Controller + 3;
    public const int NetworkDeleted = Controller + 4;
    public const int ForcedNetworkDelete = Controller + 5;
    public const int ForcedEndpointDelete = Controller + 6;
    public const int StoreFailed = Controller + 7;
    public const int Restored = Controller + 8;
    public const int UnknownStoreKey = Controller + 9;
    public const int CallPending = Controller + 10;
    public const int PendingDelivered = Controller + 11;
    public const int PendingRefused = Controller + 12;
    public const int PendingStale = Controller + 13;
    public const int NetworkReplayed = Controller + 14;
    public const int IntentRecovered = Controller + 15;
    public const int PendingRetry = Controller + 16;
    public const int PendingRetryDetail = Controller + 17;
    public const int ConnectUndoFailed = Controller + 40; // retired: a connect is one operation, undone by its rollback and intent; not reused
    public const int SandboxVanished = Controller + 41;
    public const int UnknownSandboxRemoved = Controller + 42;
    public const int ClusterCreateOwed = Controller + 43;
    public const int ClusterCreateSent = Controller + 44;
}
