namespace Cnm.Core.Ipam;

/// <summary>What an IPAM driver needs from the controller.</summary>
/// <param name="RequiresMacAddress">The endpoint's MAC must be sent with its address request.</param>
/// <param name="RequiresRequestReplay">Allocations must be replayed to the driver after a restart.</param>
public sealed record IpamCapabilities(bool RequiresMacAddress = false, bool RequiresRequestReplay = false);
