using Microsoft.Extensions.Logging;

namespace Cnm.Drivers.Remote;

public sealed partial class RemoteDriverModule
{
    private static partial class Log
    {
        [LoggerMessage(EventIds.Registered, LogLevel.Information, "Plugin {Plugin} registered as {Interface} ({Kind})")]
        public static partial void Registered(ILogger logger, string plugin, string @interface, string kind);

        [LoggerMessage(EventIds.RegistrationFailed, LogLevel.Warning, "Plugin {Plugin} could not be registered as {Interface}: {Reason}")]
        public static partial void RegistrationFailed(ILogger logger, string plugin, string @interface, string reason, Exception exception);

        [LoggerMessage(EventIds.Gone, LogLevel.Warning, "Plugin {Plugin} ({Interface}) is gone; its driver stays registered and calls fail until it is back")]
        public static partial void Gone(ILogger logger, string plugin, string @interface);
    }
}
