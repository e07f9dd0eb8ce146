using System.Text.Json.Serialization;

namespace Cnm.Daemon.NativeApi;

/// <summary>
/// Body of <c>POST /cnm/v1/endpoints</c>. Unknown fields are refused: a misspelt field of the native API
/// must not silently create an endpoint without what was asked for.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record EndpointCreateRequest
{
    /// <summary>The network: id, name or unique id prefix.</summary>
    public string? Network { get; init; }

    /// <summary>The endpoint's name, unique in its network.</summary>
    public string? Name { get; init; }

    /// <summary>A static IPv4 address, without prefix length.</summary>
    public string? IPv4Address { get; init; }

    /// <summary>A static IPv6 address, without prefix length.</summary>
    public string? IPv6Address { get; init; }

    /// <summary>A MAC address, <c>aa:bb:cc:dd:ee:ff</c>.</summary>
    public string? MacAddress { get; init; }

    /// <summary>Driver options, given to the driver as top-level strings of the endpoint's options.</summary>
    public Dictionary<string, string>? Options { get; init; }

    /// <summary>DNS aliases in the network.</summary>
    public List<string>? Aliases { get; init; }
}
