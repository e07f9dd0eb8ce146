namespace Cnm.Plugins;

/// <summary>
/// Event ids of Cnm.Plugins log messages. Existing ids must not be reused or repurposed.
/// </summary>
internal static class PluginEventIds
{
    // Client: 1000-1099
    public const int CallSucceeded = 1000;
    public const int CallFailed = 1001;
    public const int ConnectRetry = 1002;
    public const int CallFailedDetail = 1003;

    // Discovery: 1100-1199 (none yet: discovery only reads files and reports through exceptions).

    // Registry: 1200-1299
    public const int PluginActivated = 1200;
    public const int ActivationFailed = 1201;
    public const int HandlerFailed = 1202;
    public const int PluginGone = 1203;
    public const int TlsNotVerified = 1204;

    // Watcher: 1300-1399
    public const int WatcherStarted = 1300;
    public const int ScanFailed = 1301;
    public const int SpecFileBroken = 1302;
    public const int ActivationRetryScheduled = 1303;
    public const int WatchFailed = 1304;
    public const int WatcherStopped = 1305;
}
