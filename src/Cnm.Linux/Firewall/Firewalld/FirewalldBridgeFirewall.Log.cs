using Microsoft.Extensions.Logging;

namespace Cnm.Linux.Firewall.Firewalld;

/// <summary>Log messages (event ids 4600-4619).</summary>
public sealed partial class FirewalldBridgeFirewall
{
    [LoggerMessage(EventId = 4600, Level = LogLevel.Information, Message = "firewalld watch started on {Bus}; firewalld running: {Running}")]
    private static partial void LogStarted(ILogger logger, string bus, bool running);

    [LoggerMessage(EventId = 4601, Level = LogLevel.Information, Message = "firewalld {Why}: applied the rules of {Count} networks again in {Milliseconds} ms")]
    private static partial void LogReapplied(ILogger logger, string why, int count, double milliseconds);

    [LoggerMessage(EventId = 4602, Level = LogLevel.Warning, Message = "firewalld {Why}: applying the rules again failed (attempt {Attempt})")]
    private static partial void LogReapplyFailed(ILogger logger, string why, int attempt, Exception exception);

    [LoggerMessage(EventId = 4603, Level = LogLevel.Information, Message = "firewalld: created the permanent zone {Zone} and reloaded")]
    private static partial void LogZoneCreated(ILogger logger, string zone);

    [LoggerMessage(EventId = 4604, Level = LogLevel.Warning, Message = "firewalld: could not remove bridge {Bridge} from our zone")]
    private static partial void LogUnbindFailed(ILogger logger, string bridge, Exception exception);

    [LoggerMessage(EventId = 4605, Level = LogLevel.Information, Message = "firewalld left the bus; its zone bindings are applied again when it is back")]
    private static partial void LogGone(ILogger logger);

    [LoggerMessage(EventId = 4606, Level = LogLevel.Warning, Message = "firewalld: no policy objects; only the zone is used")]
    private static partial void LogNoPolicy(ILogger logger, Exception exception);
}
