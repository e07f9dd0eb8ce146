using Microsoft.Extensions.Logging;

namespace Cnm.Core.Cluster;

/// <summary>The log lines of the cluster's pieces; ids 2170-2189, apart from the controller's.</summary>
internal static partial class ClusterLog
{
    [LoggerMessage(2170, LogLevel.Information, "Cluster {Kind} {Id} {Change} from the cluster store")]
    public static partial void Changed(ILogger logger, string kind, string id, string change);

    [LoggerMessage(2171, LogLevel.Warning, "Cluster store watch lost ({Reason}); listing again")]
    public static partial void WatchLost(ILogger logger, string reason);

    [LoggerMessage(2172, LogLevel.Warning, "Cluster store unreachable for the watch; retrying: {Reason}")]
    public static partial void WatchFailed(ILogger logger, string reason);

    [LoggerMessage(2173, LogLevel.Warning, "Cluster store record {Key} could not be read and is skipped")]
    public static partial void BadRecord(ILogger logger, string key, Exception exception);

    [LoggerMessage(2174, LogLevel.Information, "Cluster store in sync at revision {Revision}: {Networks} network(s), {Endpoints} endpoint(s)")]
    public static partial void Synced(ILogger logger, long revision, int networks, int endpoints);

    [LoggerMessage(2175, LogLevel.Information, "Cluster sweep of node {Node}: released {Released} address(es) that no network or endpoint holds")]
    public static partial void AddressesSwept(ILogger logger, string node, int released);

    [LoggerMessage(2176, LogLevel.Warning, "Cluster sweep of the addresses of node {Node} failed; the next sweep tries again")]
    public static partial void AddressSweepFailed(ILogger logger, string node, Exception exception);
}
