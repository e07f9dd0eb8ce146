namespace Cnm.Core.Drivers;

/// <summary>A driver's capability, negotiated once at registration.</summary>
/// <param name="Scope">Where its networks and endpoints are stored.</param>
/// <param name="ConnectivityScope">Whether its networks span hosts (global drivers get discovery events).</param>
public sealed record DriverCapability(DriverScope Scope, DriverScope ConnectivityScope);
