using Cnm.Core.Errors;
using Cnm.Protocol;
using Tmds.DBus.Protocol;

namespace Cnm.Linux.Firewall.Firewalld;

/// <summary>
/// firewalld's error replies (<c>org.fedoraproject.FirewallD1.Exception</c>, message <c>CODE: detail</c>) mapped to
/// our categories by the code, which is firewalld's structured part of the reply (firewall/errors.py).
/// ALREADY_ENABLED and NOT_ENABLED mean the state asked for is there already, so they count as success.
/// </summary>
internal static class FirewalldErrors
{
    public const string ExceptionName = "org.fedoraproject.FirewallD1.Exception";

    /// <summary>The code of a firewalld error reply (the text before the first ':'), or null for another error.</summary>
    public static string? Code(DBusErrorReplyException ex)
    {
        if (ex.ErrorName != ExceptionName)
        {
            return null;
        }

        var message = ex.ErrorMessage ?? string.Empty;
        var colon = message.IndexOf(':', StringComparison.Ordinal);
        return (colon < 0 ? message : message[..colon]).Trim();
    }

    public static bool IsSuccess(DBusErrorReplyException ex) => Code(ex) is "ALREADY_ENABLED" or "NOT_ENABLED";

    public static ErrorCategory CategoryOf(DBusErrorReplyException ex) => Code(ex) switch
    {
        null => ex.ErrorName switch
        {
            "org.freedesktop.DBus.Error.AccessDenied" or "org.freedesktop.DBus.Error.AuthFailed" => ErrorCategory.Forbidden,
            "org.freedesktop.DBus.Error.NoReply" or "org.freedesktop.DBus.Error.Timeout" or "org.freedesktop.DBus.Error.TimedOut" => ErrorCategory.Timeout,
            "org.freedesktop.DBus.Error.ServiceUnknown" or "org.freedesktop.DBus.Error.NameHasNoOwner" or "org.freedesktop.DBus.Error.Disconnected" => ErrorCategory.Unavailable,
            _ => ErrorCategory.Internal,
        },
        "ZONE_ALREADY_SET" or "NAME_CONFLICT" or "ZONE_CONFLICT" or "ALREADY_SET" or "BUILTIN_ZONE" or "BUILTIN_POLICY" => ErrorCategory.Conflict,
        "INVALID_ZONE" or "INVALID_POLICY" or "INVALID_INTERFACE" or "INVALID_NAME" or "INVALID_VALUE" or "INVALID_TARGET" or "INVALID_ARGUMENT" or "MISSING_NAME" => ErrorCategory.InvalidParameter,
        "UNKNOWN_INTERFACE" => ErrorCategory.NotFound,
        "NOT_AUTHORIZED" or "ACCESS_DENIED" => ErrorCategory.Forbidden,
        "NOT_RUNNING" or "RUNNING_BUT_FAILED" or "NOT_APPLIED" => ErrorCategory.Unavailable,
        _ => ErrorCategory.Internal,
    };

    public static CnmException Map(DBusErrorReplyException ex, string what) =>
        new FirewalldException(CategoryOf(ex), $"firewalld {what}: {ex.ErrorMessage}", Code(ex), ex);
}
