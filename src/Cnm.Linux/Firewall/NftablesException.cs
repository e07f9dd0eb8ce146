using Cnm.Core.Errors;
using Cnm.Protocol;

namespace Cnm.Linux.Firewall;

/// <summary>
/// libnftables could not be loaded or refused a batch. The category is Unavailable when the library is missing and
/// Internal when a batch failed; <see cref="NftMessage"/> carries nft's own error text for the log, never for decisions.
/// </summary>
public sealed class NftablesException : CnmException
{
    /// <summary>Creates the error.</summary>
    public NftablesException(ErrorCategory category, string message, string? nftMessage = null, Exception? innerException = null)
        : base(category, message, innerException)
    {
        NftMessage = nftMessage;
    }

    /// <summary>What nft wrote to its error buffer, or null.</summary>
    public string? NftMessage { get; }
}
