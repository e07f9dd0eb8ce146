using Microsoft.Extensions.Logging;

namespace Cnm.Plugins.Watching;

public sealed partial class PluginWatcher
{
    private static partial class Log
    {
        [LoggerMessage(PluginEventIds.WatcherStarted, LogLevel.Information, "Watching plugin directories {Directories}")]
        public static partial void Started(ILogger logger, string directories);

        [LoggerMessage(PluginEventIds.ScanFailed, LogLevel.Warning, "Scanning the plugin directories failed: {Reason}")]
        public static partial void ScanFailed(ILogger logger, string reason, Exception exception);

        [LoggerMessage(PluginEventIds.SpecFileBroken, LogLevel.Warning, "Plugin {Plugin} cannot be loaded from {Source}: {Reason}")]
        public static partial void SpecFileBroken(ILogger logger, string plugin, string source, string reason, Exception exception);

        [LoggerMessage(PluginEventIds.ActivationRetryScheduled, LogLevel.Warning, "Plugin {Plugin} failed to activate ({Failures} in a row); trying again in {DelaySeconds:0.###} s: {Reason}")]
        public static partial void RetryScheduled(ILogger logger, string plugin, int failures, double delaySeconds, string reason);

        [LoggerMessage(PluginEventIds.WatchFailed, LogLevel.Warning, "Watching the plugin directories failed; relying on the periodic rescan: {Reason}")]
        public static partial void WatchFailed(ILogger logger, string reason, Exception exception);

        [LoggerMessage(PluginEventIds.WatcherStopped, LogLevel.Information, "Stopped watching the plugin directories")]
        public static partial void Stopped(ILogger logger);
    }
}
