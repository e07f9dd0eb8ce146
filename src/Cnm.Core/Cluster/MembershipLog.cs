using Microsoft.Extensions.Logging;

namespace Cnm.Core.Cluster;

/// <summary>Log messages of cluster membership, node discovery and the global intent sweep; ids 2400-2419 (the cluster store's are 2170-2189).</summary>
internal static partial class MembershipLog
{
    [LoggerMessage(2400, LogLevel.Debug, "{Call} to driver {Driver} for node {Address} failed; going on")]
    public static partial void DiscoveryFailed(ILogger logger, string call, string driver, string address, Exception exception);

    [LoggerMessage(2401, LogLevel.Information, "Cluster node {Node} ({Address}) is a member{Self}")]
    public static partial void NodeJoined(ILogger logger, string node, string address, string self);

    [LoggerMessage(2402, LogLevel.Information, "Cluster node {Node} ({Address}) left: its membership key was deleted or its lease expired")]
    public static partial void NodeLeft(ILogger logger, string node, string address);

    [LoggerMessage(2403, LogLevel.Warning, "The membership lease of node {Node} expired before it was renewed; registering again")]
    public static partial void LeaseLost(ILogger logger, string node);

    [LoggerMessage(2404, LogLevel.Warning, "Could not renew the membership lease of node {Node}; retrying")]
    public static partial void LeaseRenewFailed(ILogger logger, string node, Exception exception);

    [LoggerMessage(2405, LogLevel.Warning, "The watch on cluster members failed; listing the members again")]
    public static partial void MembershipWatchFailed(ILogger logger, Exception exception);

    [LoggerMessage(2406, LogLevel.Information, "Settled intent {Intent} ({Operation}) of node {Node}: released {Released} claims, kept {Kept}")]
    public static partial void IntentSwept(ILogger logger, string intent, string operation, string node, int released, int kept);

    [LoggerMessage(2407, LogLevel.Warning, "Could not sweep the intents of node {Node}; the next sweep tries again")]
    public static partial void SweepFailed(ILogger logger, string node, Exception exception);
}
