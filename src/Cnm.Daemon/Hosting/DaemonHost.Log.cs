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

        [LoggerMessage(EventId = EventIds.NoMembership, Level = LogLevel.Warning,
            Message = "--cluster-store without --advertise-addr: this node does not join the cluster's membership, so global drivers get no node discovery and a killed node's addresses are not swept (spec/cluster.md, \"Membership\")")]
        public static partial void NoMembership(ILogger logger);
    }
}
