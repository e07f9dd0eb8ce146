using Microsoft.Extensions.Logging;

namespace Cnm.Daemon.DockerApi;

/// <summary>Log of the network prune: a network it could not delete is never skipped without a trace.</summary>
internal static partial class PruneLog
{
    [LoggerMessage(EventId = 130, Level = LogLevel.Warning, Message = "Network prune could not delete network {Network}: {Reason}")]
    public static partial void NotDeleted(ILogger logger, string network, string reason);
}
