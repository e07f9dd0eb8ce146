using Cnm.Protocol;

namespace Cnm.Core.Errors;

/// <summary>
/// Every failure Cnm reports carries one <see cref="ErrorCategory"/>; the category decides the HTTP
/// status in the API (<see cref="ErrorCategories"/>). The message names the object and the reason, for people;
/// code decides on the structured data only: the category and, for a driver's failure, <see cref="Plugin"/> and
/// <see cref="Method"/>.
/// </summary>
public class CnmException : Exception
{
    /// <summary>Creates an error of a category.</summary>
    public CnmException(ErrorCategory category, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Category = category;
        if (innerException is CnmException inner)
        {
            // A wrapped driver error stays a driver error: the data travels with it unless the wrapper sets its own.
            Plugin = inner.Plugin;
            Method = inner.Method;
        }
    }

    /// <summary>What kind of failure this is.</summary>
    public ErrorCategory Category { get; }

    /// <summary>The driver (plugin) whose failure or absence this is; null when no driver is concerned. Taken from a <see cref="CnmException"/> inner exception unless set.</summary>
    public string? Plugin { get; init; }

    /// <summary>The driver method that failed (for example <c>CreateNetwork</c>); null when the driver was not called.</summary>
    public string? Method { get; init; }

    /// <summary>The same failure, with its category, plugin and method, told by <paramref name="message"/>; this one is its inner exception.</summary>
    public CnmException WithMessage(string message) => new(Category, message, this) { Plugin = Plugin, Method = Method };

    /// <summary>The request is malformed or names something invalid.</summary>
    public static CnmException InvalidParameter(string message) => new(ErrorCategory.InvalidParameter, message);

    /// <summary>The named object does not exist.</summary>
    public static CnmException NotFound(string message) => new(ErrorCategory.NotFound, message);

    /// <summary>The request conflicts with the current state.</summary>
    public static CnmException Conflict(string message) => new(ErrorCategory.Conflict, message);

    /// <summary>The request is well formed but not allowed.</summary>
    public static CnmException Forbidden(string message) => new(ErrorCategory.Forbidden, message);

    /// <summary>A dependency cannot be reached or has nothing left to give.</summary>
    public static CnmException Unavailable(string message) => new(ErrorCategory.Unavailable, message);

    /// <summary>The operation is not implemented.</summary>
    public static CnmException NotImplemented(string message) => new(ErrorCategory.NotImplemented, message);

    /// <summary>Something failed that the caller cannot fix.</summary>
    public static CnmException Internal(string message, Exception? inner = null) => new(ErrorCategory.Internal, message, inner);
}
