namespace Cnm.Samples.BridgeNetwork;

/// <summary>
/// The names of the sample's links, made from the IDs alone so that the plugin keeps no state and a restarted plugin
/// finds its bridges and veths again: <c>smb</c> + 12 hex digits of the network ID for the bridge, <c>smv</c>/<c>smc</c>
/// + 12 of the endpoint ID for the bridge and container ends of the veth (15 bytes each, the kernel's limit).
/// </summary>
internal static class LinkNaming
{
    private const int IdDigits = 12;

    public static string Bridge(string networkId) => "smb" + Short(networkId, "network");

    public static string HostEnd(string endpointId) => "smv" + Short(endpointId, "endpoint");

    public static string ContainerEnd(string endpointId) => "smc" + Short(endpointId, "endpoint");

    private static string Short(string id, string what)
    {
        if (string.IsNullOrEmpty(id) || id.Length < IdDigits || !id.All(char.IsAsciiHexDigit))
        {
            throw new ArgumentException($"{what} ID \"{id}\" is not a hex ID of at least {IdDigits} digits");
        }

        return id[..IdDigits].ToLowerInvariant();
    }
}
