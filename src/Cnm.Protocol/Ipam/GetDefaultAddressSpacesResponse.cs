using System.Text.Json.Serialization;

namespace Cnm.Protocol.Ipam;

/// <summary>
/// Answer to <c>IpamDriver.GetDefaultAddressSpaces</c> (the request has an empty body). Null members are
/// omitted when written.
/// </summary>
/// <param name="LocalDefaultAddressSpace">The address space for local-scope networks.</param>
/// <param name="GlobalDefaultAddressSpace">The address space for global-scope networks.</param>
/// <param name="Error">The plugin's error text (IPAM answers use <c>Error</c>, not <c>Err</c>); null or empty on success. Omitted when null.</param>
public sealed record GetDefaultAddressSpacesResponse(
    [property: JsonPropertyName("LocalDefaultAddressSpace"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    string? LocalDefaultAddressSpace = null,
    [property: JsonPropertyName("GlobalDefaultAddressSpace"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    string? GlobalDefaultAddressSpace = null,
    [property: JsonPropertyName("Error"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    string? Error = null) : IErrorResponse
{
    /// <inheritdoc />
    string? IErrorResponse.ErrorText => Error;
}
