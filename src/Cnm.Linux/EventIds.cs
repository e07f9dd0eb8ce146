namespace Cnm.Linux;

/// <summary>Event ids of Cnm.Linux log messages, in one place. Existing ids must not be reused or repurposed.</summary>
internal static class EventIds
{
    // Built-in Linux drivers: 4000-4099
    public const int NetworkLinkRecreated = 4000;
    public const int StrayLinkRemoved = 4001;
    public const int EndpointLinkRecreated = 4002;
    public const int EndpointLinkLost = 4003;
    public const int StrayRulesRemoved = 4004;
    public const int RestoreFailed = 4005;
    public const int CleanupFailed = 4006;
    public const int NetworkLinkForeign = 4007;
    public const int StrayPortsRemoved = 4008;
    public const int PortsHeldAgain = 4009;
    public const int PortsNotRestored = 4010;
    public const int VethReattached = 4011;
}
