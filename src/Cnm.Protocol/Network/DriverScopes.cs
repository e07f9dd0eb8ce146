namespace Cnm.Protocol.Network;

/// <summary>
/// Values of <c>Scope</c> and <c>ConnectivityScope</c> in a <see cref="NetworkCapabilitiesResponse"/>.
/// The host compares them case-sensitively.
/// </summary>
public static class DriverScopes
{
    /// <summary>Networks of this driver exist on one host only.</summary>
    public const string Local = "local";

    /// <summary>Networks of this driver span hosts; their state is shared through the cluster store.</summary>
    public const string Global = "global";
}
