using Microsoft.Extensions.Logging;

namespace Cnm.Linux.Drivers.Bridge;

public sealed partial class BridgeDriver
{
    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.CleanupFailed, Level = LogLevel.Warning, Message = "bridge driver: could not {What} while undoing a failed step: {Reason}")]
        public static partial void CleanupFailed(ILogger logger, string what, string reason);

        [LoggerMessage(EventId = EventIds.NetworkLinkRecreated, Level = LogLevel.Warning,
            Message = "restore: bridge {Bridge} of network {NetworkId} was missing from the host namespace; created it again")]
        public static partial void BridgeRecreated(ILogger logger, string bridge, string networkId);

        [LoggerMessage(EventId = EventIds.StrayLinkRemoved, Level = LogLevel.Warning,
            Message = "restore: removed {Link} ({Alias}): made by Cnm's bridge driver for an object the state does not know")]
        public static partial void StrayLinkRemoved(ILogger logger, string link, string alias);

        [LoggerMessage(EventId = EventIds.EndpointLinkRecreated, Level = LogLevel.Warning,
            Message = "restore: veth {Link} of endpoint {EndpointId} was missing from the host namespace; created it again")]
        public static partial void VethRecreated(ILogger logger, string link, string endpointId);

        [LoggerMessage(EventId = EventIds.EndpointLinkLost, Level = LogLevel.Warning,
            Message = "restore: veth {Link} of joined endpoint {EndpointId} is missing; the sandbox has lost that interface (disconnect and connect again)")]
        public static partial void VethLost(ILogger logger, string link, string endpointId);

        [LoggerMessage(EventId = EventIds.StrayRulesRemoved, Level = LogLevel.Warning,
            Message = "restore: removed the firewall rules of network {NetworkId}, which the state does not know")]
        public static partial void StrayRulesRemoved(ILogger logger, string networkId);

        [LoggerMessage(EventId = EventIds.NetworkLinkForeign, Level = LogLevel.Error,
            Message = "restore: network {NetworkId}: {Reason}")]
        public static partial void RestoreFailed(ILogger logger, string networkId, string reason);

        [LoggerMessage(EventId = EventIds.StrayPortsRemoved, Level = LogLevel.Warning,
            Message = "restore: removed the published-port rules of endpoint {EndpointId} on network {NetworkId}: the state has it neither joined nor publishing")]
        public static partial void StrayPortsRemoved(ILogger logger, string endpointId, string networkId);

        [LoggerMessage(EventId = EventIds.PortsHeldAgain, Level = LogLevel.Warning,
            Message = "restore: held the {Count} published host ports of endpoint {EndpointId} again; {Missing} of their DNAT rules were missing and made again")]
        public static partial void PortsHeldAgain(ILogger logger, int count, string endpointId, int missing);

        [LoggerMessage(EventId = EventIds.PortsNotRestored, Level = LogLevel.Error,
            Message = "restore: could not publish the ports of endpoint {EndpointId} again, so its DNAT rules were removed: {Reason} (disconnect and connect again)")]
        public static partial void PortsNotRestored(ILogger logger, string endpointId, string reason);

        [LoggerMessage(EventId = EventIds.VethReattached, Level = LogLevel.Warning,
            Message = "restore: veth {Link} of endpoint {EndpointId} was not on its bridge {Bridge}; put it back")]
        public static partial void VethReattached(ILogger logger, string link, string endpointId, string bridge);
    }
}
