using System.Text.Json.Serialization;

namespace Cnm.Protocol.Network;

/// <summary>A route a Join answer asks the host to add in the sandbox. Every field is always written.</summary>
/// <param name="Destination">The destination in CIDR form, or empty.</param>
/// <param name="RouteType">
/// <see cref="RouteTypes.NextHop"/> (0) for a route via <paramref name="NextHop"/>; any other value is a
/// connected route (<see cref="RouteTypes.Connected"/>).
/// </param>
/// <param name="NextHop">The next-hop IP address (no mask), or empty.</param>
public sealed record StaticRoute(
    [property: JsonPropertyName("Destination")] string Destination = "",
    [property: JsonPropertyName("RouteType")] int RouteType = RouteTypes.NextHop,
    [property: JsonPropertyName("NextHop")] string NextHop = "");
