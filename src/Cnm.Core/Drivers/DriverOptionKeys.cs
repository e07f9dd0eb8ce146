namespace Cnm.Core.Drivers;

/// <summary>
/// The well-known keys of the generic option maps that drivers receive (docs/reference-host.md §3.2, §3.5, §3.8):
/// one home for the controller that writes them and the built-in drivers that read them.
/// </summary>
public static class DriverOptionKeys
{
    /// <summary>The network's driver options (<c>-o key=value</c>), as a string map.</summary>
    public const string Generic = "com.docker.network.generic";

    /// <summary>Whether the network has IPv6 (always sent).</summary>
    public const string EnableIPv6 = "com.docker.network.enable_ipv6";

    /// <summary>Whether the network is internal (sent only when true).</summary>
    public const string Internal = "com.docker.network.internal";

    /// <summary>The MAC address the user gave an endpoint.</summary>
    public const string MacAddress = "com.docker.network.endpoint.macaddress";

    /// <summary>The endpoint's exposed ports (a list of protocol and port).</summary>
    public const string ExposedPorts = "com.docker.network.endpoint.exposedports";

    /// <summary>The endpoint's published ports (a list of port bindings).</summary>
    public const string PortMap = "com.docker.network.portmap";
}
