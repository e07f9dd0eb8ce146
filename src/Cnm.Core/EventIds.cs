namespace Cnm.Core;

/// <summary>
/// Event ids of Cnm.Core log messages, in one place. Existing ids must not be reused or repurposed.
/// </summary>
internal static class EventIds
{
    // Controller: 2000-2099
    public const int ModuleFailed = 2000;
    public const int CleanupFailed = 2001;
    public const int UndoFailed = 2002;
    public const int NetworkCreated = 2003;
    public const int NetworkDeleted = 2004;
    public const int ForcedNetworkDelete = 2005;
    public const int ForcedEndpointDelete = 2006;
    public const int StoreFailed = 2007;
    public const int Restored = 2008;
    public const int UnknownStoreKey = 2009;
    public const int CallPending = 2010;
    public const int PendingDelivered = 2011;
    public const int PendingRefused = 2012;
    public const int PendingStale = 2013;
    public const int NetworkReplayed = 2014;
    public const int IntentRecovered = 2015;
    public const int PendingRetry = 2016;
    public const int PendingRetryDetail = 2017;
    public const int ConnectUndoFailed = 2040; // retired: a connect is one operation, undone by its rollback and intent; not reused
    public const int SandboxVanished = 2041;
    public const int UnknownSandboxRemoved = 2042;
}
