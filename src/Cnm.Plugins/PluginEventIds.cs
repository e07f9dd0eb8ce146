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

    // Discovery: 1100-1199; registry: 1200-1299; watcher: 1300-1399.
}
