namespace Cnm.Protocol;

/// <summary>
/// The fixed set of error categories used across Cnm. Each maps to one HTTP status
/// (see <see cref="ErrorCategories"/>), and the plugin client maps statuses back.
/// </summary>
public enum ErrorCategory
{
    /// <summary>Something failed that the caller cannot fix.</summary>
    Internal = 0,
    /// <summary>The request is malformed or names something invalid.</summary>
    InvalidParameter,
    /// <summary>The named object does not exist.</summary>
    NotFound,
    /// <summary>The request conflicts with the current state (name in use, object busy).</summary>
    Conflict,
    /// <summary>The request is well formed but not allowed.</summary>
    Forbidden,
    /// <summary>A dependency (usually a plugin) cannot be reached.</summary>
    Unavailable,
    /// <summary>The operation is not implemented (a plugin answered 404).</summary>
    NotImplemented,
    /// <summary>The operation did not finish in time.</summary>
    Timeout,
}
