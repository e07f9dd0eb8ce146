namespace Cnm.Protocol;

/// <summary>The one place where error categories and HTTP statuses are mapped, in both directions.</summary>
public static class ErrorCategories
{
    /// <summary>The HTTP status that stands for a category.</summary>
    public static int ToHttpStatus(ErrorCategory category) => category switch
    {
        ErrorCategory.InvalidParameter => 400,
        ErrorCategory.Forbidden => 403,
        ErrorCategory.NotFound => 404,
        ErrorCategory.Conflict => 409,
        ErrorCategory.NotImplemented => 501,
        ErrorCategory.Unavailable => 503,
        ErrorCategory.Timeout => 504,
        _ => 500,
    };

    /// <summary>
    /// The category of a non-200 plugin answer. A 404 means the plugin lacks the method, so it is
    /// <see cref="ErrorCategory.NotImplemented"/>, not <see cref="ErrorCategory.NotFound"/>.
    /// </summary>
    public static ErrorCategory FromPluginStatus(int status) => status switch
    {
        400 or 422 => ErrorCategory.InvalidParameter,
        403 => ErrorCategory.Forbidden,
        404 or 405 or 501 => ErrorCategory.NotImplemented,
        409 => ErrorCategory.Conflict,
        408 or 504 => ErrorCategory.Timeout,
        502 or 503 => ErrorCategory.Unavailable,
        _ => ErrorCategory.Internal,
    };
}
