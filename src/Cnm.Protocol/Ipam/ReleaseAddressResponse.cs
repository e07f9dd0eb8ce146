using System.Text.Json.Serialization;

namespace Cnm.Protocol.Ipam;

/// <summary>Answer to <c>IpamDriver.ReleaseAddress</c>: <c>{}</c> on success.</summary>
/// <param name="Error">The plugin's error text (IPAM answers use <c>Error</c>, not <c>Err</c>); null or empty on success. Omitted when null.</param>
public sealed record ReleaseAddressResponse(
    [property: JsonPropertyName("Error"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    string? Error = null) : IErrorResponse
{
    /// <inheritdoc />
    string? IErrorResponse.ErrorText => Error;
}
