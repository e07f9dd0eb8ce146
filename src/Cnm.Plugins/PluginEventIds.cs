namespace Cnm.Plugins;

/// <summary>
/// Event ids of Cnm.Plugins log messages. Existing ids must not be reused or repurposed.
/// </summary>
internal static class PluginEventIds
{
    // Client: 1000-1099
    public const int CallSucceeded = 1000, CallFailed = 1001, ConnectRetry = 1002, CallFailedDetail = 1003;

    // Discovery: 1100-1199 (none yet: discovery only reads files and reports through exceptions).

    // Registry: 1200-1299
    public const int PluginActivated = 1200, ActivationFailed = 1201, HandlerFailed = 1202, PluginGone = 1203,
        TlsNotVerified = 1204;

    // Watcher: 1300-1399
    public const int WatcherStarted = 1300, ScanFailed = 1301, SpecFileBroken = 1302, ActivationRetryScheduled = 1303,
        WatchFailed = 1304, WatcherStopped = 1305;
}
