using Microsoft.Extensions.Logging;

namespace Cnm.Plugins.Client;

public sealed partial class PluginClient
{
    private static partial class Log
    {
        [LoggerMessage(PluginEventIds.CallSucceeded, LogLevel.Debug, "Plugin {Plugin} {Method} succeeded in {ElapsedMs:0.0} ms")]
        public static partial void CallSucceeded(ILogger logger, string plugin, string method, double elapsedMs);

        // One line at Debug: the caller decides what a failure means (an optional method's 404 is an answer, a pending
        // call's retry is expected) and reports it; the exception with its stack only at Trace.
        [LoggerMessage(PluginEventIds.CallFailed, LogLevel.Debug, "Plugin {Plugin} {Method} failed: {Reason}")]
        public static partial void CallFailed(ILogger logger, string plugin, string method, string reason);

        [LoggerMessage(PluginEventIds.CallFailedDetail, LogLevel.Trace, "Plugin {Plugin} {Method} failed")]
        public static partial void CallFailedDetail(ILogger logger, string plugin, string method, Exception exception);

        [LoggerMessage(PluginEventIds.ConnectRetry, LogLevel.Debug, "Plugin {Plugin} {Method}: cannot connect ({Reason}); retrying in {DelaySeconds:0.###} s")]
        public static partial void ConnectRetry(ILogger logger, string plugin, string method, string reason, double delaySeconds);
    }
}
