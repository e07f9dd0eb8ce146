namespace Cnm.Protocol;

/// <summary>Values of the <c>Implements</c> list returned by <c>Plugin.Activate</c>.</summary>
public static class PluginInterfaces
{
    /// <summary>A remote network driver.</summary>
    public const string NetworkDriver = "NetworkDriver";

    /// <summary>A remote IPAM driver.</summary>
    public const string IpamDriver = "IpamDriver";
}
