using System.Text.Json.Serialization;

namespace Cnm.Protocol.Ipam;

/// <summary>
/// Answer to <c>IpamDriver.GetCapabilities</c> (the request has an empty body). Any failure of this call
/// means "no capabilities" (a legacy driver).
/// </summary>
/// <param name="RequiresMacAddress">True when the driver wants the endpoint's MAC address in RequestAddress options.</param>
/// <param name="RequiresRequestReplay">True when the driver wants its pools and addresses requested again at host start.</param>
/// <param name="Error">The plugin's error text (IPAM answers use <c>Error</c>, not <c>Err</c>); null or empty on success. Omitted when null.</param>
public sealed record IpamCapabilitiesResponse(
    [property: JsonPropertyName("RequiresMACAddress")] bool RequiresMacAddress = false,
    [property: JsonPropertyName("RequiresRequestReplay")] bool RequiresRequestReplay = false,
    [property: JsonPropertyName("Error"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    string? Error = null) : IErrorResponse
{
    /// <inheritdoc />
    string? IErrorResponse.ErrorText => Error;
}
