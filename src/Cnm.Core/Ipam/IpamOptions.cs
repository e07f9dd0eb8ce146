namespace Cnm.Core.Ipam;

/// <summary>Well-known option keys and values of the IPAM protocol.</summary>
public static class IpamOptions
{
    /// <summary>Request option naming what an address is for; see <see cref="GatewayType"/>.</summary>
    public const string RequestAddressType = "RequestAddressType";

    /// <summary>Value of <see cref="RequestAddressType"/> for the network's gateway; also the pool-data key of a gateway.</summary>
    public const string Gateway = "com.docker.network.gateway";

    /// <summary>Same as <see cref="Gateway"/>; named for its use as a <see cref="RequestAddressType"/> value.</summary>
    public const string GatewayType = Gateway;

    /// <summary>Request option: <c>"true"</c> allocates serially (after the last one) instead of first-free.</summary>
    public const string Serial = "com.docker.network.ipam.serial";

    /// <summary>Request option carrying the endpoint's MAC for drivers that require it.</summary>
    public const string MacAddress = "com.docker.network.endpoint.macaddress";
}
