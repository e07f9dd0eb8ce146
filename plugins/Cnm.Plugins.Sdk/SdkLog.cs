using Microsoft.Extensions.Logging;

namespace Cnm.Plugins.Sdk;

/// <summary>The SDK's log messages; event ids are stable (spec/sdk.md).</summary>
internal static partial class SdkLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "{Method} failed: {Reason}")]
    public static partial void CallFailed(ILogger logger, string method, string reason, Exception exception);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "{Method}: answered 400, {Problem}")]
    public static partial void MalformedRequest(ILogger logger, string method, string problem);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Listening on the plugin socket {Path}")]
    public static partial void ListeningOnSocket(ILogger logger, string path);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Removed the stale plugin socket {Path}")]
    public static partial void RemovedStaleSocket(ILogger logger, string path);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "Wrote the plugin spec file {Path}: {Address}")]
    public static partial void WroteSpecFile(ILogger logger, string path, string address);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information,
        Message = "Socket activation: listening on {Count} inherited file descriptor(s) from fd 3")]
    public static partial void SocketActivation(ILogger logger, int count);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "Could not remove {Path} at shutdown: {Reason}")]
    public static partial void CleanupFailed(ILogger logger, string path, string reason);
}
