using Cnm.Core.Errors;
using Cnm.Protocol;

namespace Cnm.Linux.Firewall.Firewalld;

/// <summary>firewalld refused a call; <see cref="Code"/> is its error code (e.g. <c>INVALID_ZONE</c>), or null for a bus error.</summary>
public sealed class FirewalldException : CnmException
{
    /// <summary>Creates the error.</summary>
    public FirewalldException(ErrorCategory category, string message, string? code, Exception? innerException = null)
        : base(category, message, innerException)
    {
        Code = code;
    }

    /// <summary>firewalld's error code, or null.</summary>
    public string? Code { get; }
}
