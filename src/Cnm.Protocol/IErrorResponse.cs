namespace Cnm.Protocol;

/// <summary>
/// A response that carries a protocol-level error: <c>Err</c> for network-driver responses,
/// <c>Error</c> for IPAM responses. A non-empty value means the call failed even though the
/// status was 200.
/// </summary>
public interface IErrorResponse
{
    /// <summary>The plugin's error text, or null/empty on success.</summary>
    string? ErrorText { get; }
}
