namespace Cnm.Daemon.Hosting;

internal static partial class DaemonHost
{
    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.Listening, Level = LogLevel.Information,
            Message = "API listening on {Addresses}; plugin sockets in {PluginDir}, spec files in {SpecDirs}; default driver {DefaultDriver}")]
        public static partial void Listening(ILogger logger, string addresses, string pluginDir, IReadOnlyList<string> specDirs, string defaultDriver);

        [LoggerMessage(EventId = EventIds.InMemoryStore, Level = LogLevel.Warning,
            Message = "--store memory: state is kept in memory only; every network, endpoint and sandbox is lost when cnmd stops")]
        public static partial void InMemoryStore(ILogger logger);
    }
}
