using System.Text.Json.Serialization;

namespace Cnm.Protocol.Network;

/// <summary>Answer to <c>NetworkDriver.Join</c>. Null members are omitted when written.</summary>
/// <param name="InterfaceName">The interface to move into the sandbox; null means none.</param>
/// <param name="Gateway">The IPv4 gateway as a plain address (no mask), or empty.</param>
/// <param name="GatewayIPv6">The IPv6 gateway as a plain address (no mask), or empty.</param>
/// <param name="StaticRoutes">Routes to add in the sandbox.</param>
/// <param name="DisableGatewayService">True to keep this endpoint out of the default-gateway decision.</param>
/// <param name="Err">The plugin's error text; null or empty on success. Omitted when null.</param>
public sealed record JoinResponse(
    [property: JsonPropertyName("InterfaceName"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    InterfaceName? InterfaceName = null,
    [property: JsonPropertyName("Gateway"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    string? Gateway = null,
    [property: JsonPropertyName("GatewayIPv6"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    string? GatewayIPv6 = null,
    [property: JsonPropertyName("StaticRoutes"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    IReadOnlyList<StaticRoute>? StaticRoutes = null,
    [property: JsonPropertyName("DisableGatewayService")] bool DisableGatewayService = false,
    [property: JsonPropertyName("Err"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    string? Err = null) : IErrorResponse
{
    /// <inheritdoc />
    string? IErrorResponse.ErrorText => Err;
}
