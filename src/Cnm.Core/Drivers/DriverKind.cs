namespace Cnm.Core.Drivers;

/// <summary>The two kinds of driver a network uses.</summary>
public enum DriverKind
{
    /// <summary>A network driver (<c>NetworkDriver</c> for a plugin).</summary>
    Network,

    /// <summary>An IPAM driver (<c>IpamDriver</c> for a plugin).</summary>
    Ipam,
}
