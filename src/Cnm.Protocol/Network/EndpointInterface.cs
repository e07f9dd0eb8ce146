using System.Text.Json.Serialization;

namespace Cnm.Protocol.Network;

/// <summary>
/// The addresses of an endpoint's interface: what the host already assigned (CreateEndpoint request)
/// or what the driver fills in (CreateEndpoint response). An unset field is the empty string, as in Go,
/// and every field is always written.
/// </summary>
/// <param name="Address">The IPv4 address with mask, e.g. <c>172.18.0.2/16</c>, or empty.</param>
/// <param name="AddressIPv6">The IPv6 address with mask, e.g. <c>fd12:3456:789a::2/64</c>, or empty.</param>
/// <param name="MacAddress">The MAC address in colon-hex form, e.g. <c>02:42:ac:12:00:02</c>, or empty.</param>
public sealed record EndpointInterface(
    [property: JsonPropertyName("Address")] string Address = "",
    [property: JsonPropertyName("AddressIPv6")] string AddressIPv6 = "",
    [property: JsonPropertyName("MacAddress")] string MacAddress = "");
