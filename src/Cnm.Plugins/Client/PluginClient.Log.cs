using Microsoft.Extensions.Logging;

namespace Cnm.Plugins.Client;

public sealed partial class PluginClient
{
    private static partial class Log
    {
        [LoggerMessage(PluginEventIds.CallSucceeded, LogLevel.Debug, "Plugin {Plugin} {Method} succeeded in {ElapsedMs:0.0} ms")]
        public static partial void CallSucceeded(ILogger logger, string plugin, string method, double elapsedMs);

        [LoggerMessage(PluginEventIds.CallFailed, LogLevel.Warning, "Plugin {Plugin} {Method} failed: {Reason}")]
        public static partial void CallFailed(ILogger logger, string plugin, string method, string reason, Exception exception);

        [LoggerMessage(PluginEventIds.ConnectRetry, LogLevel.Information, "Plugin {Plugin} {Method}: cannot connect ({Reason}); retrying in {DelaySeconds:0.###} s")]
        public static partial void ConnectRetry(ILogger logger, string plugin, string method, string reason, double delaySeconds);
    }
}
