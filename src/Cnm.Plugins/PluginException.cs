using Cnm.Protocol;

namespace Cnm.Plugins;

/// <summary>
/// A failure talking to, finding or activating a plugin. The message names the plugin, the method
/// (when there is one) and the reason.
/// </summary>
public sealed class PluginException : Exception
{
    /// <summary>Creates the exception; the message is composed from the parts.</summary>
    public PluginException(ErrorCategory category, string plugin, string? method, string reason,
        int? statusCode = null, Exception? innerException = null)
        : base(Compose(plugin, method, reason), innerException)
    {
        Category = category;
        Plugin = plugin;
        Method = method;
        Reason = reason;
        StatusCode = statusCode;
    }

    /// <summary>What kind of failure this is.</summary>
    public ErrorCategory Category { get; }

    /// <summary>The plugin name.</summary>
    public string Plugin { get; }

    /// <summary>The service method, such as <c>NetworkDriver.Join</c>, or null for discovery failures.</summary>
    public string? Method { get; }

    /// <summary>The reason alone, without plugin and method.</summary>
    public string Reason { get; }

    /// <summary>The HTTP status the plugin answered with, when it answered.</summary>
    public int? StatusCode { get; }

    private static string Compose(string plugin, string? method, string reason) =>
        method is null ? $"plugin \"{plugin}\": {reason}" : $"plugin \"{plugin}\" {method}: {reason}";
}
